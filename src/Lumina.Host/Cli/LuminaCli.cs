using System.CommandLine;
using Lumina.Core;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Cli;

/// <summary>The <c>lumina</c> program: splits off the configuration overrides, parses the rest and runs what it names.</summary>
internal static class LuminaCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        string[] configuration = [];
        var root = LuminaCommands.Create(() => configuration);
        (configuration, var words) = ConfigurationArguments.Split(args, LuminaCommands.OptionNames(root), out var splitError);
        if (splitError is not null)
        {
            await Console.Error.WriteLineAsync($"lumina: {splitError}\nRun 'lumina --help' for usage.").ConfigureAwait(false);
            return 2;
        }

        // No response files: '@name' is a user's or key's argument, never a file of more arguments.
        var result = root.Parse(words, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0 && result.Action is not { ClearsParseErrors: true })
        {
            return await UsageErrors.WriteAsync(result, Console.Error).ConfigureAwait(false);
        }

        try
        {
            // The hosts handle Ctrl+C and SIGTERM themselves (a graceful stop); exceptions are translated below.
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"lumina: configuration error: {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (LuminaStartupException ex)
        {
            await Console.Error.WriteLineAsync($"lumina: cannot start: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"lumina: cannot listen: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
