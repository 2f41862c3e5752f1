using System.Diagnostics;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Invocation;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Lumina.Mcp;

/// <summary>
/// MCP's side of <see cref="LuminaInvoker"/>: the call context of an MCP request, and the one translation of an
/// <see cref="InvocationOutcome"/> into what MCP answers — a tool error result for a tool, a protocol error for a
/// prompt or a resource (which have no error result).
/// </summary>
/// <remarks>
/// Never serve a function through <c>KernelFunction.WithKernel(...)</c>/<c>AsAIFunction</c>: that path skips the filters
/// (see shared/notes/sk-mcp-pitfalls.md); <see cref="LuminaInvoker"/> runs every call through the kernel.
/// </remarks>
internal sealed class KernelInvoker(LuminaInvoker invoker, ILuminaCallerResolver callers, RequestStateProtector states, IOptions<LuminaMcpOptions> options)
{
    /// <summary>The first protocol revision without sessions, whose requests carry their own capabilities.</summary>
    private const string StatelessRevision = "2026-07-28";

    /// <summary>The invoker every MCP request runs its function through.</summary>
    public LuminaInvoker Core => invoker;

    /// <summary>The call context of <paramref name="request"/>.</summary>
    /// <exception cref="McpProtocolException">The request carries a request state this server did not issue for it.</exception>
    public McpCallContext CreateContext<TParams>(RequestContext<TParams> request, ProgressToken? progressToken, string name)
        where TParams : RequestParams
    {
        var caller = callers.Resolve(request.JsonRpcRequest);
        var rounds = AsksThroughResults(request.Server, request.JsonRpcRequest)
            ? InputRounds.Start(request.JsonRpcRequest, request.Params, caller.Id, states, options.Value.InputTimeout)
            : null;
        return new McpCallContext(request.Server, request.JsonRpcRequest, progressToken, caller, name, request.EnablePollingAsync, rounds);
    }

    /// <summary>
    /// Whether the request is of the 2026-07-28 revision or later, whose calls ask their client through input-required
    /// results (SEP-2322). The SDK would also accept them in a session and answer them with server-to-client requests,
    /// running the call again; a session's call asks directly instead, once.
    /// </summary>
    private static bool AsksThroughResults(McpServer server, JsonRpcRequest request) =>
        string.CompareOrdinal(request.Context?.ProtocolVersion ?? server.NegotiatedProtocolVersion, StatelessRevision) >= 0;

    /// <summary>
    /// A tool's answer: <paramref name="success"/> of the result, or an error result with the refusal's message, or with
    /// the generic message and reference of a failure. The protocol errors of <see cref="Protocol"/> come first.
    /// </summary>
    /// <exception cref="InputRequiredException">The call asks its client for input (stateless requests).</exception>
    /// <exception cref="MissingRequiredClientCapabilityException">The call needs a capability the stateless request did not declare.</exception>
    public static CallToolResult ToolResult(McpCallContext context, InvocationOutcome outcome, Func<FunctionResult, CallToolResult> success)
    {
        Protocol(context, outcome);
        return outcome switch
        {
            InvocationSucceeded succeeded => success(succeeded.Result),
            InvocationRefused refused => McpContent.Error(refused.Message),
            InvocationFailed failed => McpContent.Error(failed.Message),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>
    /// A prompt's or a resource's result, or the protocol error its client gets: a forbidden caller an invalid request
    /// (as a refused tool call, in the same words), any other refusal invalid parameters (the message says which), a
    /// failure an internal error naming its reference.
    /// </summary>
    /// <exception cref="McpProtocolException">The call did not succeed.</exception>
    public static FunctionResult Result(McpCallContext context, InvocationOutcome outcome)
    {
        Protocol(context, outcome);
        return outcome switch
        {
            InvocationSucceeded succeeded => succeeded.Result,
            InvocationRefused refused => throw new McpProtocolException(refused.Message, refused.Kind == LuminaRefusalKind.Forbidden ? McpErrorCode.InvalidRequest : McpErrorCode.InvalidParams),
            InvocationFailed failed => throw new McpProtocolException(failed.Message, McpErrorCode.InternalError),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>
    /// The outcomes every kind of request answers at the protocol level: input required (an input-required result,
    /// SEP-2322), and in a stateless request a capability the client did not declare (<c>-32021</c>, SEP-2575).
    /// </summary>
    private static void Protocol(McpCallContext context, InvocationOutcome outcome)
    {
        if (outcome is InvocationInputRequired input)
        {
            throw new InputRequiredException(new InputRequiredResult
            {
                InputRequests = input.Requests.ToDictionary(r => r.Key, r => InputRequestOf(r.Value), StringComparer.Ordinal),
                RequestState = input.RequestState,
            });
        }

        if (context.AsksThroughResults && outcome is InvocationRefused { ClientCapability: { } capability } refused)
        {
            var required = new ClientCapabilities();
            switch (capability)
            {
                case "sampling":
                    required.Sampling = new SamplingCapability();
                    break;
                case "elicitation":
                    required.Elicitation = new ElicitationCapability();
                    break;
                default:
                    required.Roots = new RootsCapability();
                    break;
            }

            throw new MissingRequiredClientCapabilityException(required, refused.Message);
        }
    }

    /// <summary>A question of a call as MCP asks it.</summary>
    public static InputRequest InputRequestOf(LuminaInputRequest request) => request.Kind switch
    {
        LuminaInputKind.Elicitation => InputRequest.ForElicitation(new ElicitRequestParams
        {
            Message = request.Elicitation!.Message,
            RequestedSchema = request.Elicitation.RequestedSchema.Deserialize<ElicitRequestParams.RequestSchema>(McpJsonUtilities.DefaultOptions)
                ?? throw new ArgumentException("The elicitation schema is empty.", nameof(request)),
        }),
        LuminaInputKind.Sampling => InputRequest.ForSampling(SamplingMessages.ToRequest(request.Messages!, request.Options)),
        _ => InputRequest.ForRootsList(new ListRootsRequestParams()),
    };
}
