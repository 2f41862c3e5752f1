using System.CommandLine;
using System.CommandLine.Invocation;
using Lumina.Core;

namespace Lumina.Host.Cli;

/// <summary><c>--version</c>: <c>lumina &lt;version&gt;</c> on stdout, the same text as before the command tree.</summary>
internal sealed class LuminaVersionAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine($"lumina {LuminaVersion.Value}");
        return 0;
    }
}
