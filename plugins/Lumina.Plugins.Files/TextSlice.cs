namespace Lumina.Plugins.Files;

/// <summary>The lines a read returned, and where it stopped.</summary>
/// <param name="Content">The text returned, line endings as in the file.</param>
/// <param name="LastLine">The last line of which anything was returned; one less than the first line when nothing was.</param>
/// <param name="TotalLines">How many lines the file has.</param>
/// <param name="CutLine">The line at which the size cap stopped the read; 0 when it did not.</param>
/// <param name="CutInsideLine">Whether <paramref name="CutLine"/> was returned in part (a single line longer than the cap).</param>
internal readonly record struct TextSlice(string Content, int LastLine, int TotalLines, int CutLine, bool CutInsideLine);
