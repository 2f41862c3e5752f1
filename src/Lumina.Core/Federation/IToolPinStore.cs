namespace Lumina.Core.Federation;

/// <summary>
/// The pins of upstream tools (rug-pull protection), kept in the store so every host sharing it trusts the same
/// descriptors (SQLite for one machine, Redis for several).
/// </summary>
public interface IToolPinStore
{
    /// <summary>The pin of <paramref name="tool"/> on <paramref name="server"/>, or <see langword="null"/> when it has none.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<ToolPin?> GetAsync(string server, string tool, CancellationToken cancellationToken = default);

    /// <summary>Every pin of <paramref name="server"/>, ordered by tool name.</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<IReadOnlyList<ToolPin>> ListAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pins <paramref name="pin"/> unless its tool already has a pin (first sight wins, also between hosts racing).
    /// </summary>
    /// <returns>The pin now stored: <paramref name="pin"/>, or the one that was there.</returns>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<ToolPin> PinIfAbsentAsync(ToolPin pin, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="pin"/> over any pin of its tool (an approval).</summary>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task SetAsync(ToolPin pin, CancellationToken cancellationToken = default);

    /// <summary>Removes the pin of <paramref name="tool"/> (the tool is pinned afresh on its next sight).</summary>
    /// <returns>Whether there was one.</returns>
    /// <exception cref="Abstractions.LuminaException">The store cannot be reached.</exception>
    Task<bool> RemoveAsync(string server, string tool, CancellationToken cancellationToken = default);
}
