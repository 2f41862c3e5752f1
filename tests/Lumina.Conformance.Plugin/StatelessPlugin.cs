using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Lumina.Conformance.Plugin;

/// <summary>
/// The diagnostic tools of the conformance suite's stateless scenario (MCP 2026-07-28, SEP-2575): what a call may and
/// may not send on a stateless request's response stream, and what it may assume of the client.
/// </summary>
[LuminaPlugin("stateless", Description = "Fixtures of the conformance suite's stateless-server scenario.")]
public sealed class StatelessPlugin(ILuminaCallContextAccessor context)
{
    [KernelFunction("missing_capability"), Description("Needs the client's model: a request that did not declare sampling is refused.")]
    [LuminaTool(Name = "test_missing_capability", ReadOnly = true, OpenWorld = true)]
    public async Task<string> MissingCapabilityAsync(CancellationToken cancellationToken)
    {
        var response = await context.Current.SampleAsync([new ChatMessage(ChatRole.User, "Say hello.")], new ChatOptions { MaxOutputTokens = 20 }, cancellationToken).ConfigureAwait(false);
        return response.Text;
    }

    [KernelFunction("streaming_elicitation"), Description("Reports progress, then asks the user: a stateless request gets the question as an input-required result.")]
    [LuminaTool(Name = "test_streaming_elicitation", ReadOnly = true)]
    public async Task<string> StreamingElicitationAsync(CancellationToken cancellationToken)
    {
        await context.Current.ReportProgressAsync(1, 2, "about to ask", cancellationToken).ConfigureAwait(false);
        var result = await context.Current.ElicitAsync(
            new ElicitationRequest("Continue?", new ElicitationSchema().Boolean("ok", required: true).Build()), cancellationToken).ConfigureAwait(false);
        return $"answered: {result.Action}";
    }

    [KernelFunction("logging_tool"), Description("Logs at every level; a client that asked for no log level hears nothing.")]
    [LuminaTool(Name = "test_logging_tool", ReadOnly = true, Idempotent = true)]
    public async Task<string> LoggingAsync(CancellationToken cancellationToken)
    {
        foreach (var level in Enum.GetValues<LuminaLogLevel>())
        {
            await context.Current.LogAsync(level, $"a {level} message", cancellationToken).ConfigureAwait(false);
        }

        return "logged";
    }

    [KernelFunction("custom_header"), Description("Echoes a region, which clients also send as the Mcp-Param-Region header (SEP-2243).")]
    [LuminaTool(Name = "test_custom_header", ReadOnly = true, Idempotent = true)]
    public static string CustomHeader([Description("The region."), LuminaHeader("Region")] string region) => $"region={region}";
}
