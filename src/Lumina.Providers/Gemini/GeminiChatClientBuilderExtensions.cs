using Microsoft.Extensions.AI;

namespace Lumina.Providers.Gemini;

/// <summary>Adds <see cref="GeminiChatClient"/> to a chat client pipeline.</summary>
internal static class GeminiChatClientBuilderExtensions
{
    /// <summary>Rewrites the request's tool schemas into what Gemini's OpenAI-compatible endpoint accepts.</summary>
    public static ChatClientBuilder UseGeminiToolSchemas(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new GeminiChatClient(inner));
    }
}
