namespace Lumina.Abstractions;

/// <summary>
/// The client does not support a feature the call needs (sampling, elicitation, roots): a refusal of kind
/// <see cref="LuminaRefusalKind.Unavailable"/>.
/// </summary>
public sealed class LuminaClientCapabilityException : LuminaRefusalException
{
    public LuminaClientCapabilityException()
        : base(LuminaRefusalKind.Unavailable, string.Empty)
    {
    }

    public LuminaClientCapabilityException(string message)
        : base(LuminaRefusalKind.Unavailable, message)
    {
    }

    public LuminaClientCapabilityException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Unavailable, message, innerException)
    {
    }

    /// <summary><paramref name="message"/>, naming the MCP client capability that is missing.</summary>
    public LuminaClientCapabilityException(string message, string capability)
        : base(LuminaRefusalKind.Unavailable, message) => Capability = capability;

    /// <summary>The MCP client capability the call needs (<c>sampling</c>, <c>elicitation</c>, <c>roots</c>), when known.</summary>
    public string? Capability { get; }

    /// <summary>The client cannot run a model for the server.</summary>
    public static LuminaClientCapabilityException NoSampling() => new(
        "This call needs a model, but the client cannot run one for the server (it does not support MCP sampling). " +
        "Configure a provider, for example Lumina__Providers__main__Kind=openai with Model, Endpoint and ApiKey.",
        "sampling");

    /// <summary>The client cannot ask its user.</summary>
    public static LuminaClientCapabilityException NoElicitation() =>
        new("This call needs to ask the user, but the client does not support MCP elicitation.", "elicitation");

    /// <summary>The client cannot list its roots.</summary>
    public static LuminaClientCapabilityException NoRoots() =>
        new("This call needs the client's roots, but the client does not support MCP roots.", "roots");
}
