namespace Lumina.Plugins.Files;

/// <summary>One entry of a listing.</summary>
/// <param name="Path">The entry: relative ('/'-separated) under the first root, absolute under another root.</param>
/// <param name="Type">
/// <c>file</c>, <c>directory</c> or <c>symlink</c> (a link is listed, never followed); on Linux a special file is listed
/// with its kind: <c>fifo</c>, <c>socket</c>, <c>device</c> or <c>other</c>.
/// </param>
/// <param name="Size">The size in bytes; files only.</param>
/// <param name="Modified">When it last changed; not given for a link, whose target may lie outside the roots.</param>
public sealed record FileEntry(string Path, string Type, long? Size, DateTimeOffset? Modified);
