using Microsoft.SemanticKernel;

namespace Lumina.Core.Policy;

/// <summary>
/// What the policy guard did to a result over <see cref="PolicyOptions.MaxResultBytes"/>, carried in the capped
/// <see cref="FunctionResult"/>'s metadata. A capped result no longer holds the function's own type (it is the text cut
/// short, or a note with a <c>lumina://results/{id}</c> link): whoever reads a typed result after the filters asks
/// <see cref="Of"/> first and reads <see cref="Text"/> instead.
/// </summary>
/// <param name="Bytes">The size of the whole result, in UTF-8 bytes of its text (structured results as JSON).</param>
/// <param name="MaxBytes">The cap it went over.</param>
/// <param name="Text">What the caller gets instead: the first <paramref name="MaxBytes"/> and a note, or the note naming the link.</param>
/// <param name="Uri">The <c>lumina://results/{id}</c> link of the whole result when it was kept, otherwise null.</param>
/// <param name="Retention">How long a kept result can be read (<see cref="PolicyOptions.ResultRetention"/>), when it was kept.</param>
public sealed record CappedResult(long Bytes, int MaxBytes, string Text, string? Uri, TimeSpan? Retention)
{
    /// <summary>The metadata key of a capped result.</summary>
    public const string MetadataKey = "lumina.policy.capped";

    /// <summary>How the result was capped: <c>resource</c> (kept, see <see cref="Uri"/>) or <c>truncate</c>.</summary>
    public string Action => Uri is null ? "truncate" : "resource";

    /// <summary>The identifier in <see cref="Uri"/>, for <see cref="PolicyResultStore.Find"/>.</summary>
    public string? Id => Uri?[(PolicyResultStore.UriTemplate.IndexOf('{', StringComparison.Ordinal))..];

    /// <summary>The cap of <paramref name="result"/>, or null when it was not capped.</summary>
    public static CappedResult? Of(FunctionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var value) ? value as CappedResult : null;
    }
}
