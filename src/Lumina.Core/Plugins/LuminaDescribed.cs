using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>
/// Finds the <see cref="ILuminaDescribedFunction"/> of a kernel function made in code: kept in its metadata's additional
/// properties (under <see cref="Key"/>), which survive the copy a plugin makes of each function.
/// </summary>
public static class LuminaDescribed
{
    /// <summary>The key of the description in <see cref="KernelFunctionMetadata.AdditionalProperties"/>.</summary>
    public const string Key = "lumina.described";

    /// <summary>The argument that carries the URI asked for to a described resource's function (no template variable can be named so).</summary>
    public const string UriArgument = "lumina.uri";

    /// <summary>The description of <paramref name="function"/>, or <see langword="null"/> for a method of a plugin class or a prompt.</summary>
    public static ILuminaDescribedFunction? Of(KernelFunction function) =>
        function.Metadata.AdditionalProperties.TryGetValue(Key, out var described) ? described as ILuminaDescribedFunction : null;
}
