namespace Lumina.Plugins.Files;

/// <summary>One search hit: a file (a search without text), or a line of a file.</summary>
/// <param name="Path">The file: relative under the first root, absolute under another root.</param>
/// <param name="Line">The 1-based line number, when searching text.</param>
/// <param name="Text">The line (long lines are shortened), when searching text.</param>
public sealed record SearchMatch(string Path, int? Line, string? Text);
