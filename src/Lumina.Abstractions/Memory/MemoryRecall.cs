namespace Lumina.Abstractions.Memory;

/// <summary>A conversation's recent turns (or <see langword="null"/> when it is new) and the facts relevant to a request.</summary>
public sealed record MemoryRecall(Conversation? Conversation, IReadOnlyList<RecalledFact> Facts);
