using Microsoft.Extensions.AI;

namespace Lumina.Core.Memory;

/// <summary>
/// Embeds facts and queries when an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> is registered; without one,
/// recall is lexical only.
/// </summary>
public sealed class FactEmbedder(IEmbeddingGenerator<string, Embedding<float>>? generator = null)
{
    /// <summary>Whether recall also ranks by meaning.</summary>
    public bool IsEnabled => generator is not null;

    /// <summary>The text's vector, or <see langword="null"/> when no generator is configured.</summary>
    public async Task<float[]?> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        if (generator is null || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var embedding = await generator.GenerateAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        return embedding.Vector.ToArray();
    }
}
