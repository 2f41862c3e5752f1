using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Files;

/// <summary>
/// Files an IDE assistant works with: list, read, search, write, edit, move and delete, confined to the allowed roots
/// (<c>Lumina:Files:Roots</c> and the client's MCP roots).
/// </summary>
[LuminaPlugin("files", Description = "Reads and changes files inside the allowed roots (the configured folders and the client's workspace roots).")]
public sealed partial class FilesPlugin(FilesOptions options, ILuminaCallContextAccessor context, ILogger<FilesPlugin> logger)
{
    private const int ProgressEvery = 250;
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromSeconds(1);
    private readonly ILogger _logger = logger;

    [KernelFunction("list"), Description("Lists the files and folders in a folder, optionally filtered by a glob and recursively.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<FileListing> ListAsync(
        [Description("The folder, relative to the first root or absolute inside a root. Default: the first root.")] string path = ".",
        [Description("A glob to filter entries, e.g. *.cs or src/**/*.json. Default: everything.")] string? pattern = null,
        [Description("Whether to descend into subfolders (symbolic links are listed, not followed).")] bool recursive = false,
        [Description("How deep to descend when recursive (1 = this folder only).")] int maxDepth = 5,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var folder = roots.Resolve(path);
        if (!Directory.Exists(folder))
        {
            throw new LuminaException($"'{path}' is not a folder.");
        }

        var glob = ParseGlob(pattern);
        var entries = new List<FileEntry>();
        var truncated = false;
        var depth = recursive ? Math.Clamp(maxDepth, 1, 64) : 1;
        var queue = new Queue<(DirectoryInfo Folder, int Depth)>();
        queue.Enqueue((new DirectoryInfo(folder), 1));
        while (queue.Count > 0 && !truncated)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (current, level) = queue.Dequeue();
            foreach (var info in Children(current))
            {
                var isLink = info.LinkTarget is not null;
                var relative = Relative(folder, info.FullName);
                if (glob is null || glob.IsMatch(relative))
                {
                    if (entries.Count >= options.MaxListEntries)
                    {
                        truncated = true;
                        break;
                    }

                    entries.Add(new FileEntry(
                        roots.Display(info.FullName),
                        isLink ? "symlink" : info is DirectoryInfo ? "directory" : "file",
                        !isLink && info is FileInfo file ? file.Length : null,
                        info.LastWriteTimeUtc));
                }

                if (info is DirectoryInfo directory && !isLink && level < depth)
                {
                    queue.Enqueue((directory, level + 1));
                }
            }
        }

        return new FileListing(roots.Display(folder), entries, truncated);
    }

    [KernelFunction("read"), Description("Reads a text file, whole or a range of lines. Binary files are refused.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<FileReadResult> ReadAsync(
        [Description("The file, relative to the first root or absolute inside a root.")] string path,
        [Description("The first line to return, 1-based. Default: 1.")] int startLine = 1,
        [Description("The last line to return, 1-based and inclusive. Default: the end of the file.")] int? endLine = null,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        if (!File.Exists(file))
        {
            throw new LuminaException(Directory.Exists(file) ? $"'{path}' is a folder: use files_list." : $"'{path}' does not exist.");
        }

        if (startLine < 1 || (endLine is { } end && end < startLine))
        {
            throw new LuminaException("startLine must be 1 or more, and endLine (when given) at least startLine.");
        }

        if (TextFiles.LooksBinary(file))
        {
            throw new LuminaException($"'{path}' is a binary file; only text files can be read.");
        }

        var content = new StringBuilder();
        var line = 0;
        var last = startLine - 1;
        var truncated = false;
        long bytes = 0;
        using (var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                line++;
                if (line < startLine || truncated || (endLine is { } stop && line > stop))
                {
                    continue;
                }

                var size = Encoding.UTF8.GetByteCount(text) + 1;
                if (bytes + size > options.MaxReadBytes)
                {
                    truncated = true;
                    continue;
                }

                bytes += size;
                content.Append(text).Append('\n');
                last = line;
            }
        }

        var note = truncated
            ? $"Cut after line {last}: a read returns at most {options.MaxReadBytes} bytes (Lumina:Files:MaxReadBytes). Read on with startLine={last + 1}."
            : null;
        return new FileReadResult(roots.Display(file), content.ToString(), startLine, last, line, truncated, note);
    }

    [KernelFunction("search"), Description("Finds files by glob, and lines in them by text or regular expression.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public async Task<SearchResult> SearchAsync(
        [Description("A glob over paths relative to the folder, e.g. **/*.cs, src/*.json, *.md. Default: all files.")] string pattern = "**/*",
        [Description("Text to find in the files; omit to list the matching files only.")] string? query = null,
        [Description("Whether query is a .NET regular expression rather than plain text.")] bool isRegex = false,
        [Description("Whether the match is case-sensitive (query and glob).")] bool caseSensitive = false,
        [Description("The folder to search, relative to the first root or absolute inside a root. Default: the first root.")] string path = ".",
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var folder = roots.Resolve(path);
        if (!Directory.Exists(folder))
        {
            throw new LuminaException($"'{path}' is not a folder.");
        }

        var glob = ParseGlob(pattern, caseSensitive) ?? Glob.Parse("**/*", ignoreCase: true);
        var matcher = query is null ? null : Matcher(query, isRegex, caseSensitive);
        var matches = new List<SearchMatch>();
        var scanned = 0;
        var skipped = 0;
        var truncated = false;
        var call = context.Current;

        // Symbolic links are not followed: a link could lead out of the roots.
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        };
        foreach (var file in Directory.EnumerateFiles(folder, "*", enumeration).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Relative(folder, file);
            if (!glob.IsMatch(relative))
            {
                continue;
            }

            scanned++;
            if (scanned % ProgressEvery == 0)
            {
                await call.ReportProgressAsync(scanned, null, $"{scanned} files searched", cancellationToken).ConfigureAwait(false);
            }

            if (matcher is null)
            {
                if (matches.Count >= options.MaxSearchResults)
                {
                    truncated = true;
                    break;
                }

                matches.Add(new SearchMatch(roots.Display(file), null, null));
                continue;
            }

            if (new FileInfo(file).Length > options.MaxSearchFileBytes || TextFiles.LooksBinary(file))
            {
                skipped++;
                continue;
            }

            var number = 0;
            foreach (var text in File.ReadLines(file))
            {
                number++;
                if (!matcher(text))
                {
                    continue;
                }

                if (matches.Count >= options.MaxSearchResults)
                {
                    truncated = true;
                    break;
                }

                matches.Add(new SearchMatch(roots.Display(file), number, text.Length > 500 ? text[..500] + "…" : text));
            }

            if (truncated)
            {
                break;
            }
        }

        return new SearchResult(matches, scanned, skipped, truncated);
    }

    [KernelFunction("write"), Description("Creates a text file (and its folders), or overwrites one when overwrite is true.")]
    [LuminaTool(Destructive = true)]
    public async Task<FileChange> WriteAsync(
        [Description("The file, relative to the first root or absolute inside a root.")] string path,
        [Description("The whole text to write (UTF-8).")] string content,
        [Description("Whether to replace the file if it exists. Default: false (an existing file is an error).")] bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        CheckSize(content, path);
        if (Directory.Exists(file))
        {
            throw new LuminaException($"'{path}' is a folder.");
        }

        var exists = File.Exists(file);
        if (exists && !overwrite)
        {
            throw new LuminaException($"'{path}' already exists. Pass overwrite=true to replace it, or use files_edit to change part of it.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        TextFiles.WriteAtomically(file, content);
        LogChanged("write", file);
        return new FileChange(roots.Display(file), exists ? "overwritten" : "created", new FileInfo(file).Length, null);
    }

    [KernelFunction("edit"), Description("Replaces an exact piece of text in a file. The text must occur exactly once unless replaceAll is true.")]
    [LuminaTool(Destructive = false, Idempotent = false)]
    public async Task<FileChange> EditAsync(
        [Description("The file, relative to the first root or absolute inside a root.")] string path,
        [Description("The exact text to replace, including whitespace and line breaks.")] string oldText,
        [Description("The text to put in its place.")] string newText,
        [Description("Whether to replace every occurrence. Default: false.")] bool replaceAll = false,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(oldText))
        {
            throw new LuminaException("oldText must not be empty.");
        }

        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        if (!File.Exists(file))
        {
            throw new LuminaException($"'{path}' does not exist.");
        }

        if (new FileInfo(file).Length > options.MaxWriteBytes)
        {
            throw new LuminaException($"'{path}' is larger than {options.MaxWriteBytes} bytes (Lumina:Files:MaxWriteBytes) and cannot be edited.");
        }

        if (TextFiles.LooksBinary(file))
        {
            throw new LuminaException($"'{path}' is a binary file; only text files can be edited.");
        }

        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var count = Count(text, oldText);
        if (count == 0)
        {
            throw new LuminaException($"oldText was not found in '{path}'. It must match exactly, including whitespace; read the file first.");
        }

        if (count > 1 && !replaceAll)
        {
            throw new LuminaException($"oldText occurs {count} times in '{path}'. Include more surrounding text to make it unique, or pass replaceAll=true.");
        }

        var updated = text.Replace(oldText, newText, StringComparison.Ordinal);
        CheckSize(updated, path);
        TextFiles.WriteAtomically(file, updated);
        LogChanged("edit", file);
        return new FileChange(roots.Display(file), "edited", new FileInfo(file).Length, count);
    }

    [KernelFunction("move"), Description("Moves or renames a file or folder within the allowed roots.")]
    [LuminaTool(Destructive = true)]
    public async Task<FileChange> MoveAsync(
        [Description("What to move, relative to the first root or absolute inside a root.")] string source,
        [Description("Where to move it (the new path, not just a folder).")] string destination,
        [Description("Whether to replace an existing destination file. Default: false.")] bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var from = roots.Resolve(source);
        var to = roots.Resolve(destination);
        if (roots.IsRoot(from))
        {
            throw new LuminaException("An allowed root itself cannot be moved.");
        }

        var isFile = File.Exists(from);
        if (!isFile && !Directory.Exists(from))
        {
            throw new LuminaException($"'{source}' does not exist.");
        }

        if (Directory.Exists(to) || (File.Exists(to) && (!overwrite || !isFile)))
        {
            throw new LuminaException($"'{destination}' already exists." + (isFile && File.Exists(to) ? " Pass overwrite=true to replace it." : string.Empty));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (isFile)
        {
            File.Move(from, to, overwrite);
        }
        else
        {
            Directory.Move(from, to);
        }

        LogChanged("move", to);
        return new FileChange(roots.Display(to), "moved", isFile ? new FileInfo(to).Length : null, null);
    }

    [KernelFunction("delete"), Description("Deletes a file, or a folder (recursive=true for one that is not empty).")]
    [LuminaTool(Destructive = true, Idempotent = true)]
    public async Task<FileChange> DeleteAsync(
        [Description("What to delete, relative to the first root or absolute inside a root.")] string path,
        [Description("Whether to delete a folder with everything in it. Default: false.")] bool recursive = false,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);

        // A link is deleted itself, never what it points to: resolve only its folder, then the name lexically.
        var trimmed = path.TrimEnd('/', '\\');
        var name = Path.GetFileName(trimmed);
        if (name is "" or "." or "..")
        {
            throw new LuminaException($"'{path}' names an allowed root or a folder above it; it cannot be deleted. Name the file or folder to delete.");
        }

        var parent = roots.Resolve(Path.GetDirectoryName(trimmed) is { Length: > 0 } folder ? folder : ".");
        var target = Path.GetFullPath(Path.Combine(parent, name));
        if (roots.IsRoot(target) || !roots.IsInside(target))
        {
            throw new LuminaException($"'{path}' is an allowed root or outside the roots; it cannot be deleted.");
        }

        var info = new FileInfo(target);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(target))
        {
            if (!recursive && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new LuminaException($"'{path}' is a folder that is not empty. Pass recursive=true to delete it with everything in it.");
            }

            Directory.Delete(target, recursive);
        }
        else
        {
            throw new LuminaException($"'{path}' does not exist.");
        }

        LogChanged("delete", target);
        return new FileChange(roots.Display(target), "deleted", null, null);
    }

    private async Task<AllowedRoots> RootsAsync(CancellationToken cancellationToken) =>
        await AllowedRoots.ResolveAsync(options, context.Current, cancellationToken).ConfigureAwait(false);

    private void CheckSize(string content, string path)
    {
        var bytes = TextFiles.ByteCount(content);
        if (bytes > options.MaxWriteBytes)
        {
            throw new LuminaException($"Writing {bytes} bytes to '{path}' exceeds the limit of {options.MaxWriteBytes} bytes (Lumina:Files:MaxWriteBytes).");
        }
    }

    private static List<FileSystemInfo> Children(DirectoryInfo folder)
    {
        try
        {
            return folder.EnumerateFileSystemInfos()
                .OrderBy(i => i is DirectoryInfo && i.LinkTarget is null ? 0 : 1)
                .ThenBy(i => i.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static Glob? ParseGlob(string? pattern, bool caseSensitive = false)
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

    private static Func<string, bool> Matcher(string query, bool isRegex, bool caseSensitive)
    {
        if (!isRegex)
        {
            var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            return line => line.Contains(query, comparison);
        }

        Regex regex;
        try
        {
            regex = new Regex(query, RegexOptions.CultureInvariant | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase), s_regexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new LuminaException($"The regular expression is not valid: {ex.Message}", ex);
        }

        return line =>
        {
            try
            {
                return regex.IsMatch(line);
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new LuminaException("The regular expression took too long on a line; simplify it.", ex);
            }
        };
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');

    [LoggerMessage(Level = LogLevel.Information, Message = "files {Operation}: {Path}")]
    private partial void LogChanged(string operation, string path);
}
