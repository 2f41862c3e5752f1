using System.Collections.Immutable;
using Lumina.Abstractions;

namespace Lumina.Core;

/// <summary>
/// Where plugins report changed resources (<see cref="ILuminaResourceNotifier"/>) and servers listen for them,
/// so that plugins never see the MCP sessions that subscribed.
/// </summary>
public sealed class LuminaResourceChangeHub : ILuminaResourceNotifier
{
    private ImmutableArray<Func<string, CancellationToken, ValueTask>> _listeners = [];

    /// <summary>Calls <paramref name="listener"/> with the URI of every changed resource until the result is disposed.</summary>
    public IDisposable Listen(Func<string, CancellationToken, ValueTask> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ImmutableInterlocked.Update(ref _listeners, static (l, x) => l.Add(x), listener);
        return new Subscription(this, listener);
    }

    /// <inheritdoc />
    public async ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        foreach (var listener in _listeners)
        {
            await listener(uri, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Subscription(LuminaResourceChangeHub hub, Func<string, CancellationToken, ValueTask> listener) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref hub._listeners, static (l, x) => l.Remove(x), listener);
    }
}
