using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Lumina.Host.Cli;

/// <summary><c>--help</c>: the parser's help for the command, and below the root's the configuration it reads.</summary>
internal sealed class LuminaHelpAction(HelpAction help) : SynchronousCommandLineAction
{
    /// <summary>Help is shown even for a line with errors (<c>lumina users add --help</c> lacks the user's name).</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = help.Invoke(parseResult);
        if (parseResult.CommandResult.Command is RootCommand)
        {
            parseResult.InvocationConfiguration.Output.Write(LuminaCommands.ConfigurationHelp);
        }

        return exitCode;
    }
}
