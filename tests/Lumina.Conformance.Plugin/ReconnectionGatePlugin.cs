using System.Collections.Concurrent;
using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Conformance.Plugin;

/// <summary>
/// A call that releases its stream and then waits until a test opens its gate: lets a host test cut a stream mid-call,
/// reconnect while the result cannot exist yet, and decide when it appears, without timing guesses.
/// </summary>
[LuminaPlugin("reconnection_gates", Description = "Gated calls for testing SSE stream resumption.")]
public sealed class ReconnectionGatePlugin(ILuminaCallContextAccessor context)
{
    /// <summary>The longest a gated call waits, so a test that never opens its gate cannot pin the host for good.</summary>
    private static readonly TimeSpan MaxGateWait = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    [KernelFunction("wait"), Description("Releases the stream for polling, then returns once the named gate is opened.")]
    [LuminaTool(Name = "test_reconnection_gated", ReadOnly = true)]
    public async Task<string> WaitAsync([Description("The gate's name.")] string gate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gate);
        var released = await context.Current.EnablePollingAsync(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        if (!released)
        {
            throw new LuminaException("This transport cannot release the stream of a call.");
        }

        try
        {
            await Gate(gate).Task.WaitAsync(MaxGateWait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gates.TryRemove(gate, out _);
        }

        return $"Gate {gate} opened.";
    }

    [KernelFunction("open"), Description("Opens the named gate, letting its gated call return.")]
    [LuminaTool(Name = "test_open_gate", Idempotent = true)]
    public string Open([Description("The gate's name.")] string gate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gate);
        Gate(gate).TrySetResult();
        return $"Gate {gate} is open.";
    }

    private TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
