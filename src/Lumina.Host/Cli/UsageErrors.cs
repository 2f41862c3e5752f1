using System.CommandLine;
using System.CommandLine.Parsing;

namespace Lumina.Host.Cli;

/// <summary>
/// A command line the tree did not accept, said in one line on stderr with where to read the usage. Exit code 2, or 1
/// for <c>users</c> and <c>keys</c>, whose usage errors always exited 1.
/// </summary>
internal static class UsageErrors
{
    public static async Task<int> WriteAsync(ParseResult result, TextWriter error)
    {
        var path = CommandPath(result.CommandResult);
        var usage = path.StartsWith("audit", StringComparison.Ordinal) ? $"{AuditCommand.Usage}\n" : string.Empty;
        var help = path.Length == 0 ? "lumina --help" : $"lumina {path} --help";
        await error.WriteLineAsync($"lumina: {Describe(result, path)}\n{usage}Run '{help}' for usage.").ConfigureAwait(false);
        return path.StartsWith("users", StringComparison.Ordinal) || path.StartsWith("keys", StringComparison.Ordinal) ? AdminCommands.UsageExitCode : 2;
    }

    /// <summary>The first thing wrong, in the words the command line used before the tree (unknown command, option, argument).</summary>
    private static string Describe(ParseResult result, string path)
    {
        var command = result.CommandResult.Command;
        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                return $"unknown option '{token}' (a setting is given as --Section:Key=value)";
            }

            if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            {
                return path.Length == 0 ? $"unknown command or argument '{token}'" : $"unknown command '{path} {token}'";
            }

            return $"unexpected argument '{token}'";
        }

        if (command.Action is null && command.Subcommands.Count > 0)
        {
            return $"'{path}' needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        return result.Errors[0].Message;
    }

    /// <summary><c>users add</c> for <c>lumina users add …</c>; empty for the root.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current.Parent is CommandResult parent; current = parent)
        {
            names.Insert(0, current.Command.Name);
        }

        return string.Join(' ', names);
    }
}
