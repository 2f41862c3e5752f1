using System.Text;

namespace Lumina.Plugins.Files;

/// <summary>Reading and writing text safely: binary detection, size caps, atomic replacement.</summary>
internal static class TextFiles
{
    private const int Sniff = 8192;
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Whether the file looks binary: a NUL byte or invalid UTF-8 in its first 8 KiB.</summary>
    public static bool LooksBinary(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
        var buffer = new byte[Sniff];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return LooksBinary(buffer.AsSpan(0, read), complete: read < Sniff);
    }

    public static bool LooksBinary(ReadOnlySpan<byte> bytes, bool complete)
    {
        if (bytes.IndexOf((byte)0) >= 0)
        {
            return true;
        }

        // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes before checking.
        var check = complete ? bytes : bytes[..Math.Max(0, bytes.Length - 3)];
        try
        {
            _ = s_strict.GetCharCount(check);
            return false;
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }

    /// <summary>Writes through a temporary file in the same folder and renames it, so a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, string content)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, content, s_strict);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static int ByteCount(string text) => Encoding.UTF8.GetByteCount(text);
}
