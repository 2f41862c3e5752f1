namespace Lumina.Bench.Compare;

/// <summary>A server answered wrongly, failed or did not start: the run stops, because a wrong answer is not a data point.</summary>
internal sealed class BenchFailure(string message, Exception? inner = null) : Exception(message, inner);
