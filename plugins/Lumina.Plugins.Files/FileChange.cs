namespace Lumina.Plugins.Files;

/// <summary>The outcome of a write, edit, move or delete.</summary>
/// <param name="Path">What changed (for a move, the destination): relative under the first root, absolute under another root.</param>
/// <param name="Action">What happened: <c>created</c>, <c>overwritten</c>, <c>edited</c>, <c>moved</c> or <c>deleted</c>.</param>
/// <param name="Bytes">The file's size afterwards, when it is a file that still exists.</param>
/// <param name="Replacements">How many replacements an edit made.</param>
public sealed record FileChange(string Path, string Action, long? Bytes, int? Replacements);
