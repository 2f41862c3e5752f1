using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Files;

/// <summary>
/// Files an IDE assistant works with: list, read, search, write, edit, move and delete, confined to the allowed roots
/// (<c>Lumina:Files:Roots</c>; a stdio client's MCP roots add to them, an HTTP client's only narrow them, see
/// <see cref="LuminaRoots"/>). The host's own folders (<see cref="ILuminaHostPaths"/>) are never reachable. This half
/// holds the functions that only read.
/// </summary>
/// <remarks>
/// Every path goes through <see cref="AllowedRoots"/>, which follows symbolic links before it checks containment.
/// Enumeration (list, search) lists links but never descends into them, so nothing outside the roots is ever read.
/// Errors the model can act on are <see cref="LuminaException"/>s that say what was wrong and what is allowed.
/// </remarks>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("files", Description = "Lists, reads, searches and changes text files inside the allowed roots: the configured folders (Lumina:Files:Roots), plus a stdio client's workspace roots; over HTTP the client's roots can only narrow the configured folders.")]
public sealed partial class FilesPlugin
{
    private const string PathHelp = "relative to the first allowed root, or absolute inside a root";
    private const int ProgressEvery = 200;
    private const int MaxLineText = 500;
    private const int MaxDepth = 64;

    private readonly FilesOptions _options;
    private readonly ILuminaHostPaths _hostPaths;
    private readonly ILuminaCallContextAccessor _context;
    private readonly ILogger _logger;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Roots and caps (<c>Lumina:Files</c>).</param>
    /// <param name="hostPaths">The host's own folders, never reachable.</param>
    /// <param name="context">The current call's context: the caller, the client's roots and progress reporting.</param>
    /// <param name="logger">Where changes to files are logged.</param>
    public FilesPlugin(FilesOptions options, ILuminaHostPaths hostPaths, ILuminaCallContextAccessor context, ILogger<FilesPlugin> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostPaths);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _hostPaths = hostPaths;
        _context = context;
        _logger = logger;
    }

    /// <summary>Lists a folder's entries, optionally filtered by a glob and recursively.</summary>
    [KernelFunction("list")]
    [Description("Lists the files and folders in a folder, optionally filtered by a glob and recursively. Symbolic links are listed, never followed; other special files are listed with their kind (fifo, socket, device). Paths in the result are relative to the first allowed root (absolute under other roots).")]
    [LuminaTool(Title = "List files", ReadOnly = true, Idempotent = true)]
    public async Task<FileListing> ListAsync(
        [Description("The folder, " + PathHelp + ". Default: the first root.")] string path = ".",
        [Description("A glob entries must match: *.cs matches a name at any depth, src/**/*.json a path from the folder. Default: every entry.")] string? pattern = null,
        [Description("Whether to list the contents of subfolders too.")] bool recursive = false,
        [Description("How many levels to list when recursive: 1 is this folder only (at most 64).")] int maxDepth = 5,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var folder = roots.Resolve(path);
        RequireFolder(folder, path);
        var glob = ParseGlob(pattern, caseSensitive: false);
        var depth = recursive ? Math.Clamp(maxDepth, 1, MaxDepth) : 1;
        var entries = new List<FileEntry>();
        var truncated = false;
        var queue = new Queue<(string Folder, int Level)>();
        queue.Enqueue((folder, 1));
        while (queue.Count > 0 && !truncated)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (current, level) = queue.Dequeue();

            // Read from the folder held open: a folder swapped for a link meanwhile is not listed through.
            foreach (var entry in Children(roots, current))
            {
                if (roots.IsProtected(entry.Path))
                {
                    continue;
                }

                if (glob is null || glob.IsMatch(Relative(folder, entry.Path)))
                {
                    if (entries.Count >= _options.MaxListEntries)
                    {
                        truncated = true;
                        break;
                    }

                    entries.Add(new FileEntry(roots.Display(entry.Path), entry.Kind, entry.Size, entry.ModifiedUtc));
                }

                if (entry.Kind == "directory" && level < depth)
                {
                    queue.Enqueue((entry.Path, level + 1));
                }
            }
        }

        return new FileListing(roots.Display(folder), entries, truncated);
    }

    /// <summary>Reads a text file, whole or a range of lines, within <see cref="FilesOptions.MaxReadBytes"/>.</summary>
    [KernelFunction("read")]
    [Description("Reads a UTF-8 text file, whole or a range of lines, with line endings as in the file. The result gives the total line count and says when the size cap cut it, and where to read on. Binary files and special files (FIFOs, devices) are refused.")]
    [LuminaTool(Title = "Read file", ReadOnly = true, Idempotent = true)]
    public async Task<FileReadResult> ReadAsync(
        [Description("The file, " + PathHelp + ".")] string path,
        [Description("The first line to return, 1-based. Default: 1.")] int startLine = 1,
        [Description("The last line to return, 1-based and inclusive. Default: the end of the file.")] int? endLine = null,
        CancellationToken cancellationToken = default)
    {
        if (startLine < 1 || endLine < startLine)
        {
            throw new LuminaException($"startLine must be 1 or more and endLine, when given, at least startLine (got startLine={startLine}, endLine={endLine}).");
        }

        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        RequireFile(file, path);
        TextSlice slice;
        try
        {
            var stream = PinnedPath.OpenRead(roots, file, path);
            await using (stream.ConfigureAwait(false))
            {
                if (TextFiles.LooksBinary(stream))
                {
                    throw new LuminaException($"'{path}' is a binary file (it has NUL bytes or is not UTF-8); only text files can be read.");
                }

                slice = await TextFiles.ReadSliceAsync(stream, startLine, endLine ?? int.MaxValue, _options.MaxReadBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("read", path, ex);
        }

        return new FileReadResult(roots.Display(file), slice.Content, startLine, slice.LastLine, slice.TotalLines, slice.CutLine != 0, ReadNote(slice, startLine));
    }

    /// <summary>Finds files by glob, and lines in them by text or regular expression.</summary>
    [KernelFunction("search")]
    [Description("Finds files whose path matches a glob and, when query is given, the lines in them that contain the text or match the regular expression. Returns path, line number and line. Binary, very large and special files (FIFOs, devices) are skipped; symbolic links are not followed.")]
    [LuminaTool(Title = "Search files", ReadOnly = true, Idempotent = true)]
    public async Task<SearchResult> SearchAsync(
        [Description("A glob over file paths relative to the folder searched: **/*.cs, src/**/*.json, or *.md (a name at any depth). Default: every file.")] string pattern = "**/*",
        [Description("Text to find, line by line. Omit it to list the files that match the glob.")] string? query = null,
        [Description("Whether query is a .NET regular expression rather than plain text.")] bool isRegex = false,
        [Description("Whether query and glob are case-sensitive.")] bool caseSensitive = false,
        [Description("The folder to search, or a single file, " + PathHelp + ". Default: the first root.")] string path = ".",
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var target = roots.Resolve(path);
        var glob = ParseGlob(pattern, caseSensitive) ?? ParseGlob("**/*", caseSensitive)!;
        var matcher = string.IsNullOrEmpty(query) ? null : TextMatcher.Create(query, isRegex, caseSensitive);
        var singleFile = File.Exists(target);
        if (!singleFile)
        {
            RequireFolder(target, path);
        }

        List<string> files = singleFile ? [target] : EnumerateFiles(roots, target);
        var matches = new List<SearchMatch>();
        var scanned = 0;
        var skipped = 0;
        var truncated = false;
        var call = _context.Current;
        for (var i = 0; i < files.Count && !truncated; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i > 0 && i % ProgressEvery == 0)
            {
                await call.ReportProgressAsync(i, files.Count, $"{i} of {files.Count} files searched", cancellationToken).ConfigureAwait(false);
            }

            var file = files[i];
            if (!singleFile && !glob.IsMatch(Relative(target, file)))
            {
                continue;
            }

            scanned++;
            if (matcher is null)
            {
                truncated = !TryAdd(matches, new SearchMatch(roots.Display(file), null, null));
                continue;
            }

            using var stream = OpenForSearch(roots, file);
            if (stream is null)
            {
                skipped++;
                continue;
            }

            try
            {
                if (stream.Length > _options.MaxSearchFileBytes || TextFiles.LooksBinary(stream))
                {
                    skipped++;
                    continue;
                }

                using var reader = new StreamReader(stream);
                var number = 0;
                while (reader.ReadLine() is { } line)
                {
                    number++;
                    if (matcher.IsMatch(line) && !TryAdd(matches, new SearchMatch(roots.Display(file), number, Shorten(line))))
                    {
                        truncated = true;
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                skipped++;
            }
        }

        return new SearchResult(matches, scanned, skipped, truncated);
    }

    private async Task<AllowedRoots> RootsAsync(CancellationToken cancellationToken) =>
        await AllowedRoots.ResolveAsync(_options, _hostPaths, _context.Current, cancellationToken).ConfigureAwait(false);

    private bool TryAdd(List<SearchMatch> matches, SearchMatch match)
    {
        if (matches.Count >= _options.MaxSearchResults)
        {
            return false;
        }

        matches.Add(match);
        return true;
    }

    private string? ReadNote(TextSlice slice, int startLine)
    {
        var cap = $"a read returns at most {_options.MaxReadBytes} bytes (Lumina:Files:MaxReadBytes)";
        if (slice.CutInsideLine)
        {
            return $"Line {slice.CutLine} alone is longer than the cap ({cap}): only its beginning is shown."
                + (slice.CutLine < slice.TotalLines ? $" Read on with startLine={slice.CutLine + 1}." : string.Empty);
        }

        if (slice.CutLine != 0)
        {
            return $"Cut before line {slice.CutLine}: {cap}. Read on with startLine={slice.CutLine}.";
        }

        return startLine > slice.TotalLines ? $"The file has {slice.TotalLines} lines: there is nothing from line {startLine} on." : null;
    }

    /// <summary>
    /// Opens a file to search it, or null to skip it: a special file (FIFO, device), or a file removed, locked or
    /// swapped for a link since the folder was listed, is skipped rather than failing the whole search.
    /// </summary>
    private static FileStream? OpenForSearch(AllowedRoots roots, string file)
    {
        try
        {
            return PinnedPath.OpenRead(roots, file, roots.Display(file));
        }
        catch (Exception ex) when (ex is LuminaException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The regular files under <paramref name="folder"/>, sorted; links and the host's own folders are never entered.</summary>
    private static List<string> EnumerateFiles(AllowedRoots roots, string folder)
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var entry in Children(roots, current))
            {
                if (roots.IsProtected(entry.Path))
                {
                    continue;
                }

                if (entry.Kind == "file")
                {
                    files.Add(entry.Path);
                }
                else if (entry.Kind == "directory")
                {
                    pending.Push(entry.Path);
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>A folder's entries, folders first, then by name.</summary>
    private static List<PinnedPath.Entry> Children(AllowedRoots roots, string folder) =>
        [.. PinnedPath.Children(roots, folder)
            .OrderBy(e => e.Kind == "directory" ? 0 : 1)
            .ThenBy(e => e.Path, StringComparer.Ordinal)];

    private static void RequireFolder(string folder, string path)
    {
        if (File.Exists(folder))
        {
            throw new LuminaException($"'{path}' is a file, not a folder: use files_read to read it.");
        }

        if (!Directory.Exists(folder))
        {
            throw new LuminaException($"The folder '{path}' does not exist.");
        }
    }

    private static void RequireFile(string file, string path)
    {
        if (Directory.Exists(file))
        {
            throw new LuminaException($"'{path}' is a folder, not a file: use files_list to see what it holds.");
        }

        if (!File.Exists(file))
        {
            throw new LuminaException($"The file '{path}' does not exist.");
        }
    }

    private static Glob? ParseGlob(string? pattern, bool caseSensitive)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return null;
        }

        try
        {
            return Glob.Parse(pattern, ignoreCase: !caseSensitive);
        }
        catch (ArgumentException ex)
        {
            throw new LuminaException(ex.Message, ex);
        }
    }

    private static LuminaException Failed(string verb, string path, Exception ex) =>
        new($"Could not {verb} '{path}': {ex.Message}", ex);

    private static string Shorten(string line)
    {
        if (line.Length <= MaxLineText)
        {
            return line;
        }

        // Never cut between the halves of a surrogate pair.
        var length = char.IsHighSurrogate(line[MaxLineText - 1]) ? MaxLineText - 1 : MaxLineText;
        return string.Concat(line.AsSpan(0, length), "…");
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
}
