using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using Anthropic;
using Anthropic.Core;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace Lumina.Providers;

/// <summary>
/// Builds the chat client of one <c>anthropic</c>, <c>ollama</c> or <c>azure</c> provider. No client calls functions by itself:
/// a tool call comes back to the caller as <see cref="FunctionCallContent"/> (the <c>ask</c> loop invokes tools through
/// the kernel, so every call passes the kernel's filters).
/// </summary>
internal static class ProviderClients
{
    /// <summary>Anthropic's own API, the SDK's default base URL (<c>Anthropic.Core.EnvironmentUrl.Production</c>).</summary>
    public const string AnthropicEndpoint = "https://api.anthropic.com";

    /// <summary>Where a local Ollama listens by default.</summary>
    public const string OllamaEndpoint = "http://localhost:11434";

    /// <summary>
    /// Anthropic requires <c>max_tokens</c> on every request; when the caller sets no
    /// <see cref="ChatOptions.MaxOutputTokens"/>, this is what is sent. The SDK's own default (1024) cuts ordinary
    /// answers with tool calls short; 4096 is accepted by every current Claude model.
    /// </summary>
    public const int AnthropicDefaultMaxOutputTokens = 4096;

    /// <summary>The official Anthropic SDK's chat client for <paramref name="options"/>.</summary>
    public static IChatClient CreateAnthropic(ProviderOptions options, TimeProvider time)
    {
        var http = new HttpClient(ConnectorChatClient.CreateHandler(time, new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }))
        {
            // The SDK times each attempt itself (ClientOptions.Timeout); HttpClient's own 100 s default would race it.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var client = new AnthropicClient(new ClientOptions
        {
            HttpClient = http,
            // Set explicitly, even when empty (null clears it): the SDK would otherwise read ANTHROPIC_API_KEY, a
            // credentials profile or ANTHROPIC_BASE_URL, and Lumina's providers come from Lumina's configuration only.
            // The SDK sends the key as "Authorization: Bearer"; it keeps one credential, so no AuthToken beside it.
            ApiKey = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKey,
            BaseUrl = string.IsNullOrWhiteSpace(options.Endpoint) ? AnthropicEndpoint : options.Endpoint,
            // The router retries (and falls back); the SDK's own retries would multiply every failure's cost.
            MaxRetries = 0,
            Timeout = options.Timeout,
        });
        return new ConnectorChatClient(client.AsIChatClient(options.Model, AnthropicDefaultMaxOutputTokens), "anthropic", client);
    }

    /// <summary>OllamaSharp's chat client for <paramref name="options"/>.</summary>
    public static IChatClient CreateOllama(ProviderOptions options, TimeProvider time)
    {
        var endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? OllamaEndpoint : options.Endpoint;
        var http = new HttpClient(ConnectorChatClient.CreateHandler(time, new SocketsHttpHandler()))
        {
            // OllamaSharp resolves "api/chat" against the base address: without a trailing slash a path prefix
            // (a proxy's http://host/ollama) would be dropped.
            BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/"),
            Timeout = options.Timeout,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            // Ollama itself needs no key; a proxy in front of it (or Ollama's hosted API) takes a bearer token.
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        IChatClient client = new OllamaApiClient(http, options.Model!);
        return new ConnectorChatClient(client, "ollama", http);
    }

    /// <summary>
    /// The Azure OpenAI SDK's chat client (Azure.AI.OpenAI, which Semantic Kernel's Azure OpenAI connector builds on) for
    /// <paramref name="options"/>: <c>{Endpoint}/openai/deployments/{Model}/chat/completions?api-version=…</c> with the
    /// key in the <c>api-key</c> header. Its failures are the OpenAI SDK's <see cref="ClientResultException"/>, classified
    /// as the <c>openai</c> kind's are.
    /// </summary>
    public static IChatClient CreateAzureOpenAI(ProviderOptions options)
    {
        var settings = string.IsNullOrWhiteSpace(options.ApiVersion) ? new AzureOpenAIClientOptions()
            : TryAzureApiVersion(options.ApiVersion, out var version) ? new AzureOpenAIClientOptions(version)
            : throw new ArgumentException($"Unknown Azure OpenAI API version '{options.ApiVersion}'.", nameof(options));
        // The router retries (and falls back); the SDK's own retries would multiply every failure's cost.
        settings.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        settings.NetworkTimeout = options.Timeout;
        var client = new AzureOpenAIClient(new Uri(options.Endpoint!), new ApiKeyCredential(options.ApiKey!), settings);
        return client.GetChatClient(options.Model).AsIChatClient();
    }

    /// <summary>The API versions the Azure OpenAI SDK knows, as Azure writes them (<c>2024-10-21</c>, <c>2025-04-01-preview</c>).</summary>
    public static IEnumerable<string> AzureApiVersions =>
        Enum.GetNames<AzureOpenAIClientOptions.ServiceVersion>().Select(n => n[1..].Replace('_', '-').ToLowerInvariant());

    /// <summary>Reads an API version as Azure writes it into the SDK's <see cref="AzureOpenAIClientOptions.ServiceVersion"/>.</summary>
    public static bool TryAzureApiVersion(string text, out AzureOpenAIClientOptions.ServiceVersion version) =>
        Enum.TryParse("V" + text.Trim().Replace('-', '_'), ignoreCase: true, out version) && Enum.IsDefined(version);
}
