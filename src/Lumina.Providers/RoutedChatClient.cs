using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>
/// The <see cref="ProviderRouter"/> with usage and budgets in front of it: one model turn, counted and charged. It is
/// what <c>ask</c> and <c>synthesize</c> call, and what the kernel's chat service runs its function invocation over.
/// </summary>
public sealed class RoutedChatClient(IChatClient pipeline, ProviderRouter router) : DelegatingChatClient(pipeline)
{
    /// <summary>The router at the end of the pipeline: the providers, the strategy.</summary>
    public ProviderRouter Router { get; } = router;
}
