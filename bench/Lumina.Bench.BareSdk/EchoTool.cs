using System.ComponentModel;
using ModelContextProtocol.Server;

namespace Lumina.Bench.BareSdk;

/// <summary>The same tool as Lumina's benchmark plugin and the TypeScript reference server's: <c>Echo: {message}</c>.</summary>
[McpServerToolType]
internal sealed class EchoTool
{
    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false), Description("Echoes back the input string.")]
    public static string Echo([Description("Message to echo")] string message) => "Echo: " + message;
}
