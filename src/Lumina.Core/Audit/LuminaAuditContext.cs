namespace Lumina.Core.Audit;

/// <summary>
/// What the calls made in the current async flow are made for — a workflow run's step, say — so that the audit ledger
/// records it with each call (<see cref="AuditEntry.Context"/>).
/// </summary>
/// <remarks>
/// It covers every call recorded in the current async flow while the scope is open, the tools a called tool calls in
/// turn included; a scope opened inside replaces it until disposed. The text is recorded as given, and is covered by
/// the record's hash: it should name what the call was for (<c>workflow wr_…/step</c>), never quote its arguments.
/// </remarks>
public static class LuminaAuditContext
{
    private static readonly AsyncLocal<string?> s_context = new();

    /// <summary>Records <paramref name="context"/> with the calls made in this flow until the scope is disposed, which restores the previous one.</summary>
    public static IDisposable Push(string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = s_context.Value;
        s_context.Value = context;
        return new Scope(previous);
    }

    /// <summary>The context of the calls made in this flow, or null.</summary>
    internal static string? Current => s_context.Value;

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => s_context.Value = previous;
    }
}
