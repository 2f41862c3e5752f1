namespace Lumina.Plugins.Files;

/// <summary>One entry of a listing.</summary>
/// <param name="Path">The path relative to its root, '/'-separated.</param>
/// <param name="Type"><c>file</c>, <c>directory</c> or <c>symlink</c>.</param>
/// <param name="Size">The size in bytes (files only).</param>
/// <param name="Modified">When it last changed (UTC, ISO-8601).</param>
public sealed record FileEntry(string Path, string Type, long? Size, DateTimeOffset Modified);

/// <summary>What a folder holds.</summary>
/// <param name="Path">The folder listed, relative to its root.</param>
/// <param name="Entries">Its entries, folders first, then by name.</param>
/// <param name="Truncated">Whether more entries exist than were returned (see Lumina:Files:MaxListEntries).</param>
public sealed record FileListing(string Path, IReadOnlyList<FileEntry> Entries, bool Truncated);

/// <summary>Text read from a file.</summary>
/// <param name="Path">The file, relative to its root.</param>
/// <param name="Content">The lines read.</param>
/// <param name="StartLine">The first line returned (1-based).</param>
/// <param name="EndLine">The last line returned (1-based; less than StartLine when nothing was returned).</param>
/// <param name="TotalLines">How many lines the file has.</param>
/// <param name="Truncated">Whether the content was cut at the size cap before EndLine.</param>
/// <param name="Note">Why the content was cut, when it was.</param>
public sealed record FileReadResult(string Path, string Content, int StartLine, int EndLine, int TotalLines, bool Truncated, string? Note);

/// <summary>One search hit: a file, or a line in a file when searching text.</summary>
public sealed record SearchMatch(string Path, int? Line, string? Text);

/// <summary>What a search found.</summary>
/// <param name="Matches">The hits, in path order.</param>
/// <param name="FilesScanned">How many files were looked at.</param>
/// <param name="SkippedFiles">Binary or oversize files that a text search skipped.</param>
/// <param name="Truncated">Whether more hits exist than were returned (see Lumina:Files:MaxSearchResults).</param>
public sealed record SearchResult(IReadOnlyList<SearchMatch> Matches, int FilesScanned, int SkippedFiles, bool Truncated);

/// <summary>The outcome of a change to the file system.</summary>
/// <param name="Path">The path changed (for a move, the destination), relative to its root.</param>
/// <param name="Action">What happened: <c>created</c>, <c>overwritten</c>, <c>edited</c>, <c>moved</c>, <c>deleted</c>.</param>
/// <param name="Bytes">The file's size afterwards, when it is a file.</param>
/// <param name="Replacements">How many replacements an edit made.</param>
public sealed record FileChange(string Path, string Action, long? Bytes, int? Replacements);
