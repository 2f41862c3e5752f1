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

    /// <summary>Whether the file looks binary: a NUL byte or invalid UTF-8 in its first 8 KiB. Leaves the stream at its start.</summary>
    public static bool LooksBinary(FileStream stream)
    {
        var buffer = new byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = 0;
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
    public static async Task<TextSlice> ReadSliceAsync(Stream stream, int startLine, int endLine, long maxBytes, CancellationToken cancellationToken)
    {
        var slicer = new LineSlicer(startLine, endLine, maxBytes);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            slicer.Add(buffer.AsSpan(0, read));
        }

        return slicer.Finish();
    }

    /// <summary>
    /// Writes through a temporary file in the same folder and renames it over <paramref name="file"/>, so a reader never
    /// sees half a file (see <see cref="PinnedPath.Write"/>). An existing file keeps its byte-order mark and (on Unix)
    /// its permissions.
    /// </summary>
    /// <returns>The size of the file written, in bytes.</returns>
    /// <exception cref="LuminaException">The text is not valid Unicode (a lone surrogate), or the write was refused.</exception>
    public static long WriteAtomically(AllowedRoots roots, string file, string content, bool overwrite, string display)
    {
        var withMark = false;
        using (var existing = PinnedPath.OpenReadIfExists(roots, file, display))
        {
            withMark = existing is not null && HasByteOrderMark(existing);
        }

        byte[] bytes;
        try
        {
            bytes = (withMark ? s_strictWithBom : s_strict).GetBytes(content);
        }
        catch (EncoderFallbackException ex)
        {
            throw new LuminaException("The text is not valid Unicode (it has an unpaired surrogate) and cannot be written as UTF-8.", ex);
        }

        byte[] written = withMark ? [.. s_strictWithBom.Preamble, .. bytes] : bytes;
        PinnedPath.Write(roots, file, written, overwrite, display);
        return written.Length;
    }

    /// <summary>The UTF-8 size of <paramref name="text"/>.</summary>
    public static int ByteCount(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Whether the file starts with a UTF-8 byte-order mark. Leaves the stream at its start.</summary>
    public static bool HasByteOrderMark(FileStream stream)
    {
        Span<byte> head = stackalloc byte[3];
        var mark = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false) == 3 && head.SequenceEqual(s_strictWithBom.Preamble);
        stream.Position = 0;
        return mark;
    }
}
