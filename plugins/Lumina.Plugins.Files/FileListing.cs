namespace Lumina.Plugins.Files;

/// <summary>What a folder holds.</summary>
/// <param name="Path">The folder listed: relative under the first root ('.' for the root), absolute under another root.</param>
/// <param name="Entries">Its entries, level by level: in each folder, subfolders first, then by name.</param>
/// <param name="Truncated">Whether more entries exist than were returned (the cap is Lumina:Files:MaxListEntries).</param>
public sealed record FileListing(string Path, IReadOnlyList<FileEntry> Entries, bool Truncated);
