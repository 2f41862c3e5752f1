namespace Lumina.Core.Policy;

/// <summary>
/// A confirmation the user gave before a call was made — a workflow step's <c>confirm</c>, answered yes — so that the
/// policy guard does not ask a second time for the same call.
/// </summary>
/// <remarks>
/// It covers calls of the one named tool made in the current async flow while the scope is open; any other tool (a
/// tool that tool calls, say) is still confirmed as usual. The audit ledger records the call either way.
/// </remarks>
public static class LuminaConfirmations
{
    private static readonly AsyncLocal<string?> s_confirmed = new();

    /// <summary>Marks calls of <paramref name="tool"/> (its served name) as confirmed until the scope is disposed.</summary>
    public static IDisposable Confirmed(string tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var previous = s_confirmed.Value;
        s_confirmed.Value = tool;
        return new Scope(previous);
    }

    /// <summary>Whether the user confirmed calls of <paramref name="tool"/> in this flow.</summary>
    internal static bool IsConfirmed(string tool) => string.Equals(s_confirmed.Value, tool, StringComparison.Ordinal);

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => s_confirmed.Value = previous;
    }
}
