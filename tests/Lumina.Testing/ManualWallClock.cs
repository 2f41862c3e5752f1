namespace Lumina.Testing;

/// <summary>
/// A wall clock a test moves by hand while timers keep real time: for a whole host's container, where the audit writer's
/// batch window and the HTTP stack's timeouts must still fire (FakeTimeProvider would stop them until advanced). For a
/// store that retries on its own timers (the Redis ledger under contention) too. For a plugin or a store that only reads
/// the time, use FakeTimeProvider.
/// </summary>
public sealed class ManualWallClock(DateTimeOffset start) : TimeProvider
{
    private long _now = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _now), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
}
