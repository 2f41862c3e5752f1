namespace Lumina.Abstractions;

/// <summary>Tells subscribed clients that a resource changed.</summary>
public interface ILuminaResourceNotifier
{
    /// <summary>Notifies every client subscribed to <paramref name="uri"/> that it changed: for a resource that is the same for everyone.</summary>
    ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default);

    /// <summary>
    /// Notifies only the sessions of the caller <paramref name="callerId"/> (<see cref="LuminaCaller.Id"/>) subscribed to
    /// <paramref name="uri"/> that it changed: for a resource whose content is each caller's own (<c>memory://facts</c>
    /// is the reading caller's facts), so that nobody hears when another caller's data changes.
    /// </summary>
    ValueTask NotifyCallerUpdatedAsync(string uri, string callerId, CancellationToken cancellationToken = default);
}
