namespace Lumina.Providers.Orchestration;

/// <summary>The answer of <c>ask</c>, with what it took to get it.</summary>
/// <param name="Answer">The model's final answer.</param>
/// <param name="Provider">The provider that gave the final answer.</param>
/// <param name="Model">Its model.</param>
/// <param name="Steps">How many model calls the answer took.</param>
/// <param name="ToolCalls">The tools the model called, in order.</param>
/// <param name="Usage">Tokens and cost over every model call.</param>
/// <param name="ConversationId">The conversation the exchange was stored in.</param>
public sealed record AskResult(string Answer, string Provider, string? Model, int Steps, IReadOnlyList<ToolCallSummary> ToolCalls, UsageSummary Usage, string ConversationId);
