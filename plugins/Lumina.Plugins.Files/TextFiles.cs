using System.Text;
using Lumina.Abstractions;

namespace Lumina.Plugins.Files;

/// <summary>Reading and writing text safely: binary detection, capped reads, atomic replacement.</summary>
internal static class TextFiles
{
    /// <summary>How much of a file is inspected to decide whether it is text.</summary>
    public const int SniffBytes = 8192;

    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UTF8Encoding s_strictWithBom = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>Whether the file looks binary: a NUL byte or invalid UTF-8 in its first 8 KiB.</summary>
    public static bool LooksBinary(string path)
    {
        using var stream = OpenRead(path);
        var buffer = new byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return LooksBinary(buffer.AsSpan(0, read), complete: read < SniffBytes);
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> look binary. When the sample is not the whole file (<paramref name="complete"/>
    /// false), a character cut by the end of the sample is not held against it.
    /// </summary>
    public static bool LooksBinary(ReadOnlySpan<byte> bytes, bool complete)
    {
        if (bytes.Contains((byte)0))
        {
            return true;
        }

        try
        {
            // Without flush the decoder keeps an incomplete trailing sequence instead of rejecting it.
            _ = s_strict.GetDecoder().GetCharCount(bytes, flush: complete);
            return false;
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }

    /// <summary>Reads lines <paramref name="startLine"/> to <paramref name="endLine"/>, at most <paramref name="maxBytes"/> of them, and counts all lines.</summary>
    public static async Task<TextSlice> ReadSliceAsync(string path, int startLine, int endLine, long maxBytes, CancellationToken cancellationToken)
    {
        var slicer = new LineSlicer(startLine, endLine, maxBytes);
        using var reader = new StreamReader(OpenRead(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            slicer.Add(buffer.AsSpan(0, read));
        }

        return slicer.Finish();
    }

    /// <summary>
    /// Writes through a temporary file in the same folder and renames it over <paramref name="path"/>, so a reader never
    /// sees half a file. An existing file keeps its byte-order mark and (on Unix) its permissions.
    /// </summary>
    /// <exception cref="LuminaException">The text is not valid Unicode (a lone surrogate).</exception>
    public static void WriteAtomically(string path, string content)
    {
        var existing = File.Exists(path);
        var encoding = existing && HasByteOrderMark(path) ? s_strictWithBom : s_strict;
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Join(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, content, encoding);
            if (existing && !OperatingSystem.IsWindows())
            {
                // A rename would otherwise drop an executable bit an edited script had.
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (EncoderFallbackException ex)
        {
            throw new LuminaException("The text is not valid Unicode (it has an unpaired surrogate) and cannot be written as UTF-8.", ex);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>The UTF-8 size of <paramref name="text"/>.</summary>
    public static int ByteCount(string text) => Encoding.UTF8.GetByteCount(text);

    private static bool HasByteOrderMark(string path)
    {
        using var stream = OpenRead(path);
        Span<byte> head = stackalloc byte[3];
        return stream.ReadAtLeast(head, 3, throwOnEndOfStream: false) == 3 && head.SequenceEqual(s_strictWithBom.Preamble);
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
}
