namespace Lumina.Providers;

/// <summary>One AI provider, bound from <c>Lumina:Providers:&lt;name&gt;</c>.</summary>
public sealed class ProviderOptions
{
    /// <summary>
    /// <c>openai</c> (any OpenAI-compatible endpoint), <c>azure</c> (an Azure OpenAI resource: <see cref="Model"/> is
    /// the deployment's name), <c>gemini</c> (Google's OpenAI-compatible endpoint, tool schemas rewritten into the
    /// subset it accepts), <c>anthropic</c>, <c>ollama</c> or <c>sampling</c> (the MCP client's model).
    /// </summary>
    public string Kind { get; set; } = "openai";

    /// <summary>The model id, e.g. <c>gpt-4o-mini</c>; for <c>azure</c>, the deployment's name (Azure addresses deployments, not models).</summary>
    public string? Model { get; set; }

    /// <summary>
    /// The endpoint; OpenAI's own when empty (for <c>openai</c>), Google's OpenAI-compatible one for <c>gemini</c>;
    /// required for <c>azure</c>: the resource's, <c>https://&lt;resource&gt;.openai.azure.com</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// For <c>azure</c>: the API version sent as <c>api-version</c>, e.g. <c>2024-10-21</c>; one the Azure OpenAI SDK
    /// knows. The SDK's own default when empty.
    /// </summary>
    public string? ApiVersion { get; set; }

    /// <summary>The API key. Give it through the environment (<c>Lumina__Providers__main__ApiKey</c>), never in a committed file.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The order providers are tried in: lower first.</summary>
    /// <value>The default value is 100.</value>
    public int Priority { get; set; } = 100;

    /// <summary>How long one call may take before the router moves on.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether the model can call tools.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SupportsTools { get; set; } = true;

    /// <summary>Whether the model reads images.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SupportsVision { get; set; }

    /// <summary>Whether the model can be asked for JSON output.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SupportsJson { get; set; } = true;

    /// <summary>The model's context window in tokens; 0 when unknown. A request estimated larger skips this provider.</summary>
    public int ContextWindow { get; set; }

    /// <summary>The provider's share of requests under the <c>round-robin</c> strategy.</summary>
    /// <value>The default value is 1.</value>
    public int Weight { get; set; } = 1;

    /// <summary>Price per million input tokens, in the currency you count in.</summary>
    public decimal InputPricePerMillion { get; set; }

    /// <summary>Price per million output tokens.</summary>
    public decimal OutputPricePerMillion { get; set; }
}
