using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>
/// A call context with no client behind it: progress and log go nowhere, sampling and elicitation
/// fail with a clear <see cref="LuminaClientCapabilityException"/>, and there are no roots.
/// Derive from it to supply a context in a unit test.
/// </summary>
public class LuminaCallContext : ILuminaCallContext
{
    public LuminaCallContext(LuminaCaller caller, LuminaClientInfo? client = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
        Client = client ?? LuminaClientInfo.None;
    }

    /// <summary>The context of a direct, in-process invocation by the local user.</summary>
    public static ILuminaCallContext InProcess { get; } = new LuminaCallContext(LuminaCaller.InProcess);

    /// <inheritdoc />
    public LuminaCaller Caller { get; }

    /// <inheritdoc />
    public LuminaClientInfo Client { get; }

    /// <inheritdoc />
    public virtual ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual ValueTask LogAsync(LuminaLogLevel level, string message, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    /// <inheritdoc />
    public virtual Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new LuminaClientCapabilityException(
            "This call needs a model, but the client cannot run one for the server (it does not support MCP sampling). " +
            "Configure a provider, for example Lumina__Providers__main__Kind=openai with Model, Endpoint and ApiKey.");

    /// <inheritdoc />
    public virtual Task<ElicitationResult> ElicitAsync(ElicitationRequest request, CancellationToken cancellationToken = default) =>
        throw new LuminaClientCapabilityException("This call needs to ask the user, but the client does not support MCP elicitation.");

    /// <inheritdoc />
    public virtual ValueTask<bool> EnablePollingAsync(TimeSpan retryInterval, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<ClientRoot>> GetRootsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientRoot>>([]);
}
