namespace Lumina.Providers.Orchestration;

/// <summary>The merged answer of <c>synthesize</c> and each provider's own.</summary>
/// <param name="Answer">The merged answer, noting agreements and disagreements.</param>
/// <param name="Answers">Each provider's answer, or why it gave none.</param>
/// <param name="Usage">Tokens and cost over every call, the merge included.</param>
public sealed record SynthesisResult(string Answer, IReadOnlyList<ProviderAnswer> Answers, UsageSummary Usage);
