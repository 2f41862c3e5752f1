using System.Collections.Immutable;
using Lumina.Abstractions;

namespace Lumina.Core;

/// <summary>
/// Where plugins report changed resources (<see cref="ILuminaResourceNotifier"/>) and servers listen for them,
/// so that plugins never see the MCP sessions that subscribed.
/// </summary>
public sealed class LuminaResourceChangeHub : ILuminaResourceNotifier
{
    private ImmutableArray<Func<LuminaResourceChange, CancellationToken, ValueTask>> _listeners = [];

    /// <summary>Calls <paramref name="listener"/> with every changed resource until the result is disposed.</summary>
    public IDisposable Listen(Func<LuminaResourceChange, CancellationToken, ValueTask> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ImmutableInterlocked.Update(ref _listeners, static (l, x) => l.Add(x), listener);
        return new Subscription(this, listener);
    }

    /// <inheritdoc />
    public ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return NotifyAsync(new LuminaResourceChange(uri, CallerId: null), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask NotifyCallerUpdatedAsync(string uri, string callerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        ArgumentException.ThrowIfNullOrEmpty(callerId);
        return NotifyAsync(new LuminaResourceChange(uri, callerId), cancellationToken);
    }

    /// <summary>Hands <paramref name="change"/> to every listener (a change relayed from another host arrives here too).</summary>
    public async ValueTask NotifyAsync(LuminaResourceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var listener in _listeners)
        {
            await listener(change, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Subscription(LuminaResourceChangeHub hub, Func<LuminaResourceChange, CancellationToken, ValueTask> listener) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref hub._listeners, static (l, x) => l.Remove(x), listener);
    }
}
