using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Files;

/// <summary>The functions that change files: write, edit, move and delete.</summary>
public sealed partial class FilesPlugin
{
    /// <summary>Creates a text file, or replaces one when <paramref name="overwrite"/> is true.</summary>
    [KernelFunction("write")]
    [Description("Creates a UTF-8 text file with the given content, creating missing folders. An existing file is replaced only when overwrite is true; to change part of a file, use files_edit.")]
    [LuminaRequires(LuminaPermission.Write)]
    [LuminaTool(Title = "Write file", Destructive = true)]
    public async Task<FileChange> WriteAsync(
        [Description("The file, " + PathHelp + ".")] string path,
        [Description("The whole text of the file.")] string content,
        [Description("Whether to replace the file if it exists. Default: false (an existing file is an error).")] bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        CheckWriteSize(content, path);
        if (Directory.Exists(file))
        {
            throw new LuminaException($"'{path}' is a folder; give the path of a file.");
        }

        var exists = File.Exists(file);
        if (exists && !overwrite)
        {
            throw new LuminaException($"'{path}' already exists. Pass overwrite=true to replace it, or use files_edit to change part of it.");
        }

        long length;
        try
        {
            length = TextFiles.WriteAtomically(roots, file, content, overwrite, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("write", path, ex);
        }

        LogChanged("write", file);
        return new FileChange(roots.Display(file), exists ? "overwritten" : "created", length, null);
    }

    /// <summary>Replaces an exact piece of text in a file.</summary>
    [KernelFunction("edit")]
    [Description("Replaces an exact piece of text in a text file with new text. oldText must occur exactly once (include surrounding lines to make it unique) unless replaceAll is true. Read the file first to quote it exactly.")]
    [LuminaRequires(LuminaPermission.Write)]
    [LuminaTool(Title = "Edit file", Destructive = false, Idempotent = false)]
    public async Task<FileChange> EditAsync(
        [Description("The file, " + PathHelp + ".")] string path,
        [Description("The exact text to replace, including whitespace, indentation and line breaks.")] string oldText,
        [Description("The text to put in its place (may be empty to remove oldText).")] string newText,
        [Description("Whether to replace every occurrence of oldText. Default: false.")] bool replaceAll = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newText);
        if (string.IsNullOrEmpty(oldText))
        {
            throw new LuminaException("oldText must not be empty: quote the text to replace. To write a whole file, use files_write.");
        }

        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var file = roots.Resolve(path);
        RequireFile(file, path);
        int count;
        long length;
        try
        {
            string text;
            var stream = PinnedPath.OpenRead(roots, file, path);
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > _options.MaxWriteBytes)
                {
                    throw new LuminaException($"'{path}' is larger than {_options.MaxWriteBytes} bytes (Lumina:Files:MaxWriteBytes) and cannot be edited.");
                }

                if (TextFiles.LooksBinary(stream))
                {
                    throw new LuminaException($"'{path}' is a binary file (it has NUL bytes or is not UTF-8); only text files can be edited.");
                }

                using var reader = new StreamReader(stream, leaveOpen: true);
                text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            count = Count(text, oldText);
            if (count == 0 && text.Contains("\r\n", StringComparison.Ordinal) && oldText.Contains('\n', StringComparison.Ordinal))
            {
                // The file has Windows line endings but the caller quoted it with '\n' ones: match it the way it is written.
                oldText = oldText.ReplaceLineEndings("\r\n");
                newText = newText.ReplaceLineEndings("\r\n");
                count = Count(text, oldText);
            }

            if (count == 0)
            {
                throw new LuminaException($"oldText was not found in '{path}'. It must match exactly, including whitespace and line breaks: read the file and quote it.");
            }

            if (count > 1 && !replaceAll)
            {
                throw new LuminaException($"oldText occurs {count} times in '{path}'. Include more of the surrounding text to make it unique, or pass replaceAll=true to replace every occurrence.");
            }

            var updated = text.Replace(oldText, newText, StringComparison.Ordinal);
            CheckWriteSize(updated, path);
            length = TextFiles.WriteAtomically(roots, file, updated, overwrite: true, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("edit", path, ex);
        }

        LogChanged("edit", file);
        return new FileChange(roots.Display(file), "edited", length, count);
    }

    /// <summary>Moves or renames a file or folder within the allowed roots.</summary>
    [KernelFunction("move")]
    [Description("Moves or renames a file or folder within the allowed roots, creating missing folders of the destination. A symbolic link is moved itself, not what it points to. An existing destination file is replaced only when overwrite is true.")]
    [LuminaRequires(LuminaPermission.Write)]
    [LuminaTool(Title = "Move file", Destructive = true)]
    public async Task<FileChange> MoveAsync(
        [Description("What to move, " + PathHelp + ".")] string source,
        [Description("The new path (including the new name, not just a folder), " + PathHelp + ".")] string destination,
        [Description("Whether to replace an existing destination file. Default: false.")] bool overwrite = false,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var from = roots.ResolveEntry(source);
        var to = roots.ResolveEntry(destination);
        if (roots.IsRoot(from) || roots.IsRoot(to))
        {
            throw new LuminaException("An allowed root itself cannot be moved or replaced; name a file or folder inside it.");
        }

        roots.RequireNoHostFolderWithin(from, source);
        roots.RequireNoHostFolderWithin(to, destination);

        var fromLink = new FileInfo(from).LinkTarget is not null;
        var fromFolder = !fromLink && Directory.Exists(from);
        if (!fromLink && !fromFolder && !File.Exists(from))
        {
            throw new LuminaRefusalException(LuminaRefusalKind.NotFound, $"'{source}' does not exist.");
        }

        if (Directory.Exists(to))
        {
            throw new LuminaException($"'{destination}' is an existing folder. Give the full new path, for example '{destination.TrimEnd('/', '\\')}/{Path.GetFileName(from)}'.");
        }

        var toExists = File.Exists(to) || new FileInfo(to).LinkTarget is not null;
        if (toExists && (!overwrite || fromFolder))
        {
            throw new LuminaException(fromFolder
                ? $"'{destination}' already exists; a folder can only be moved to a new path."
                : $"'{destination}' already exists. Pass overwrite=true to replace it.");
        }

        try
        {
            // The entry itself is renamed, so a link (even one to a folder) moves as a link.
            PinnedPath.Move(roots, from, to, overwrite, source);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("move", source, ex);
        }

        LogChanged("move", to);
        return new FileChange(roots.Display(to), "moved", PinnedPath.Describe(roots, to)?.Size, null);
    }

    /// <summary>Deletes a file, a link, or a folder (with its contents when <paramref name="recursive"/> is true).</summary>
    [KernelFunction("delete")]
    [Description("Deletes a file or an empty folder; a folder with contents only when recursive is true. A symbolic link is deleted itself, never what it points to. The allowed roots themselves cannot be deleted.")]
    [LuminaRequires(LuminaPermission.Write)]
    [LuminaTool(Title = "Delete file", Destructive = true, Idempotent = true)]
    public async Task<FileChange> DeleteAsync(
        [Description("What to delete, " + PathHelp + ".")] string path,
        [Description("Whether to delete a folder with everything in it. Default: false.")] bool recursive = false,
        CancellationToken cancellationToken = default)
    {
        var roots = await RootsAsync(cancellationToken).ConfigureAwait(false);
        var target = roots.ResolveEntry(path);
        if (roots.IsRoot(target))
        {
            throw new LuminaException($"'{path}' is an allowed root; a root cannot be deleted. Name a file or folder inside it.");
        }

        roots.RequireNoHostFolderWithin(target, path);

        try
        {
            // Links, here or inside a folder deleted recursively, are removed themselves, never followed.
            PinnedPath.Delete(roots, target, recursive, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failed("delete", path, ex);
        }

        LogChanged("delete", target);
        return new FileChange(roots.Display(target), "deleted", null, null);
    }

    private void CheckWriteSize(string content, string path)
    {
        var bytes = TextFiles.ByteCount(content);
        if (bytes > _options.MaxWriteBytes)
        {
            throw new LuminaException($"Writing {bytes} bytes to '{path}' exceeds the limit of {_options.MaxWriteBytes} bytes (Lumina:Files:MaxWriteBytes); nothing was written.");
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "files {Operation}: {Path}")]
    private partial void LogChanged(string operation, string path);
}
