using System.Buffers;

namespace Lumina.Host.Cli;

/// <summary>
/// Separates configuration overrides (<c>--Section:Key=value</c>, <c>--Key=value</c>, <c>--Section:Key value</c>,
/// <c>Section:Key=value</c>) from the words the command tree parses, so they may stand anywhere on the line and reach
/// the host builders as the server takes them.
/// </summary>
internal static class ConfigurationArguments
{
    private static readonly SearchValues<char> KeyCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:");

    /// <summary>Splits <paramref name="args"/>; a token the tree knows as an option (<c>--role=admin</c>) stays a word.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="optionNames">Every option name of the command tree, with its dashes (<c>--role</c>).</param>
    /// <param name="error">Why the line cannot be split (an override without a value), else <see langword="null"/>.</param>
    public static (string[] Configuration, string[] Words) Split(IReadOnlyList<string> args, IReadOnlySet<string> optionNames, out string? error)
    {
        error = null;
        var configuration = new List<string>();
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 && !optionNames.Contains(OptionName(arg)))
            {
                if (arg.Contains('=', StringComparison.Ordinal))
                {
                    configuration.Add(arg);
                    continue;
                }

                if (arg.Contains(':', StringComparison.Ordinal))
                {
                    // --Section:Key value, as the configuration's own command-line provider reads it.
                    if (i + 1 >= args.Count || args[i + 1].StartsWith('-'))
                    {
                        error = $"{arg} needs a value, e.g. {arg}=value";
                        return ([], []);
                    }

                    configuration.Add(arg);
                    configuration.Add(args[++i]);
                    continue;
                }
            }
            else if (IsBareSetting(arg))
            {
                configuration.Add(arg);
                continue;
            }

            words.Add(arg);
        }

        return ([.. configuration], [.. words]);
    }

    /// <summary><c>--role</c> of <c>--role=admin</c> or <c>--role:admin</c> (the parser's own forms of an option's value).</summary>
    private static string OptionName(string arg)
    {
        var end = arg.IndexOfAny(['=', ':'], 2);
        return end < 0 ? arg : arg[..end];
    }

    /// <summary><c>Section:Key=value</c> without dashes, which the configuration's command-line provider also reads.</summary>
    private static bool IsBareSetting(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && char.IsAsciiLetter(arg[0]) && arg.AsSpan(0, equals).IndexOfAnyExcept(KeyCharacters) < 0;
    }
}
