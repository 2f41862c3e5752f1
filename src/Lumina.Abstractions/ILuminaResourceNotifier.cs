namespace Lumina.Abstractions;

/// <summary>Tells subscribed clients that a resource changed.</summary>
public interface ILuminaResourceNotifier
{
    /// <summary>Notifies every client subscribed to <paramref name="uri"/> that it changed.</summary>
    ValueTask NotifyUpdatedAsync(string uri, CancellationToken cancellationToken = default);
}
