namespace Lumina.Plugins.Files;

/// <summary>Text read from a file.</summary>
/// <param name="Path">The file: relative under the first root, absolute under another root.</param>
/// <param name="Content">The lines read, with their line endings as in the file.</param>
/// <param name="StartLine">The first line asked for (1-based).</param>
/// <param name="EndLine">The last line returned (1-based); less than StartLine when nothing was returned.</param>
/// <param name="TotalLines">How many lines the file has.</param>
/// <param name="Truncated">Whether the size cap cut the content before the end of the range asked for.</param>
/// <param name="Note">Why the content is shorter than asked, and how to read on; null when it is not.</param>
public sealed record FileReadResult(string Path, string Content, int StartLine, int EndLine, int TotalLines, bool Truncated, string? Note);
