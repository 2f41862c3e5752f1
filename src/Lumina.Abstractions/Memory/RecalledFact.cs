namespace Lumina.Abstractions.Memory;

/// <summary>A fact found by <see cref="IFactStore.RecallAsync"/>, with how well it matched (higher is better).</summary>
public sealed record RecalledFact(MemoryFact Fact, double Score);
