using System.Buffers;
using System.Globalization;
using System.Text;

namespace Lumina.Plugins.Exec;

/// <summary>
/// Reads one of a run's output streams to its end: keeps the first <c>cap</c> bytes, counts and drops the rest, and
/// tells the run when all its streams together pass the run's output budget (infinite output stops the run instead
/// of the host's memory or a core).
/// </summary>
internal sealed class CappedOutput : IDisposable
{
    private readonly MemoryStream _kept = new();
    private readonly int _cap;

    private CappedOutput(int cap) => _cap = cap;

    public void Dispose() => _kept.Dispose();

    /// <summary>All the bytes the stream produced.</summary>
    public long Total { get; private set; }

    /// <summary>Whether bytes were dropped.</summary>
    public bool Truncated => Total > _kept.Length;

    /// <summary>Reads <paramref name="stream"/> to its end, keeping at most <paramref name="cap"/> bytes.</summary>
    /// <param name="stream">A run's stdout or stderr.</param>
    /// <param name="cap">The bytes kept.</param>
    /// <param name="budget">The run's output budget, shared by its streams; <see cref="OutputBudget.Take"/> returning false stops the run.</param>
    public static async Task<CappedOutput> ReadAsync(Stream stream, int cap, OutputBudget budget)
    {
        var output = new CappedOutput(cap);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var keep = (int)Math.Min(read, cap - output._kept.Length);
                if (keep > 0)
                {
                    output._kept.Write(buffer, 0, keep);
                }

                output.Total += read;
                budget.Take(read);
            }
        }
        catch (IOException)
        {
            // The run was killed while the pipe was being read: what was read stands.
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return output;
    }

    /// <summary>The kept bytes as text (invalid UTF-8 replaced), with a marker saying how much was dropped.</summary>
    public string Text(string name)
    {
        var text = Decode(_kept.GetBuffer().AsSpan(0, (int)_kept.Length));
        return Truncated
            ? text + string.Create(CultureInfo.InvariantCulture, $"\n[{name} truncated: {Total - _kept.Length} more bytes; {Total} in all]")
            : text;
    }

    /// <summary>UTF-8 text of <paramref name="bytes"/>, a character cut at the end of the kept bytes dropped rather than shown as garbage.</summary>
    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (width > back)
            {
                end = bytes.Length - back;
            }

            break;
        }

        return Encoding.UTF8.GetString(bytes[..end]);
    }
}
