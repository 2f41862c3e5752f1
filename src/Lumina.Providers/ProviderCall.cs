using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>What one routed chat call used and cost.</summary>
/// <param name="Provider">The provider that answered.</param>
/// <param name="Model">The model that answered, as the provider reported it.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens.</param>
/// <param name="Estimated">Whether the counts were estimated because the provider reported no usage.</param>
/// <param name="Cost">The cost from the provider's prices.</param>
/// <param name="Attempts">How many attempts the router made, across providers, to get this answer.</param>
public sealed record ProviderCall(string Provider, string? Model, long InputTokens, long OutputTokens, bool Estimated, decimal Cost, int Attempts)
{
    /// <summary>The key under which the router attaches the call to <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string PropertyName = "lumina.call";

    /// <summary>The routed call behind a response, when the router produced it.</summary>
    public static ProviderCall? From(ChatResponse response) =>
        response?.AdditionalProperties?.TryGetValue(PropertyName, out var value) == true ? value as ProviderCall : null;
}
