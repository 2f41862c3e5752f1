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

/// <summary>One tool call made during <c>ask</c>.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Failed">Whether it returned an error (the model was told).</param>
public sealed record ToolCallSummary(string Tool, bool Failed);

/// <summary>Tokens and cost.</summary>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="Estimated">Whether some counts were estimated because a provider reported none.</param>
/// <param name="Cost">Cost at the providers' prices.</param>
public sealed record UsageSummary(long InputTokens, long OutputTokens, bool Estimated, decimal Cost);

/// <summary>The merged answer of <c>synthesize</c> and each provider's own.</summary>
/// <param name="Answer">The merged answer, noting agreements and disagreements.</param>
/// <param name="Answers">Each provider's answer, or why it gave none.</param>
/// <param name="Usage">Tokens and cost over every call, the merge included.</param>
public sealed record SynthesisResult(string Answer, IReadOnlyList<ProviderAnswer> Answers, UsageSummary Usage);

/// <summary>One provider's answer to <c>synthesize</c>.</summary>
public sealed record ProviderAnswer(string Provider, string? Model, string? Answer, string? Error);
