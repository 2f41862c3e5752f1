using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Bench.EchoPlugin;

/// <summary>
/// The benchmark's <c>echo</c> tool: the same name, argument and answer (<c>Echo: {message}</c>) as the TypeScript
/// reference server's, so one load driver checks every server alike. It goes through Lumina's whole call path
/// (kernel invocation, default filters, result mapping): that path is what the benchmark measures.
/// </summary>
[LuminaPlugin("bench", Description = "The side-by-side benchmark's echo tool.")]
public sealed class EchoPlugin
{
    /// <summary>Echoes the message back.</summary>
    [KernelFunction("echo"), Description("Echoes back the input string.")]
    [LuminaTool(Name = "echo", ReadOnly = true, Idempotent = true)]
    [SuppressMessage("Performance", "CA1822", Justification = "Kernel functions of a plugin are instance members, like every other plugin's.")]
    public string Echo([Description("Message to echo")] string message) => "Echo: " + message;
}
