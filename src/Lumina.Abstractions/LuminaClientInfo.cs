namespace Lumina.Abstractions;

/// <summary>What the client on the other end of the call is and can do.</summary>
/// <param name="Name">The client's name, when it said it.</param>
/// <param name="Version">The client's version, when it said it.</param>
/// <param name="CanSample">The client can run a model for the server (sampling).</param>
/// <param name="CanElicit">The client can ask its user for input (elicitation).</param>
/// <param name="CanListRoots">The client can list its roots.</param>
public sealed record LuminaClientInfo(string? Name, string? Version, bool CanSample, bool CanElicit, bool CanListRoots)
{
    /// <summary>No client: a direct, in-process invocation.</summary>
    public static LuminaClientInfo None { get; } = new(null, null, CanSample: false, CanElicit: false, CanListRoots: false);

    /// <summary>The client's model can be given tools when it samples (it declared <c>sampling.tools</c>).</summary>
    public bool CanSampleWithTools { get; init; }
}
