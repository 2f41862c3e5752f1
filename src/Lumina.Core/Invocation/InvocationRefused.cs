using Lumina.Abstractions;

namespace Lumina.Core.Invocation;

/// <summary>The call was refused (nothing, or nothing more, was done): the kind says why, the message is safe to show.</summary>
public sealed record InvocationRefused : InvocationOutcome
{
    internal InvocationRefused(string name, LuminaRefusalKind kind, string message, TimeSpan? retryAfter, string? clientCapability = null)
        : base(name)
    {
        Kind = kind;
        Message = message;
        RetryAfter = retryAfter;
        ClientCapability = clientCapability;
    }

    /// <summary>Why the call was refused.</summary>
    public LuminaRefusalKind Kind { get; }

    /// <summary>What the caller is told.</summary>
    public string Message { get; }

    /// <summary>How long to wait before trying again, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The MCP client capability the call needed and the client lacks (<c>sampling</c>, <c>elicitation</c>, <c>roots</c>), if that was why.</summary>
    public string? ClientCapability { get; }
}
