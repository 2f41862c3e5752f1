using Lumina.Abstractions.Memory;

namespace Lumina.Plugins.Memory;

/// <summary>Facts found by <c>recall</c>, best first.</summary>
public sealed record RecallResult(IReadOnlyList<RecalledFact> Facts);
