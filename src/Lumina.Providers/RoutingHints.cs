using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>Keys of <see cref="ChatOptions.AdditionalProperties"/> that steer the router.</summary>
public static class RoutingHints
{
    /// <summary>A provider name or model id to try first.</summary>
    public const string Provider = "lumina.provider";

    /// <summary><see langword="true"/> to use only the hinted provider, with no fallback (to compare providers).</summary>
    public const string Only = "lumina.provider.only";
}
