using System.Text;
using System.Text.RegularExpressions;

namespace Lumina.Plugins.Files;

/// <summary>
/// Glob patterns over '/'-separated relative paths: <c>*</c> (within a folder), <c>?</c>, <c>**</c> (any folders),
/// <c>{a,b}</c> (either). A pattern without '/' matches a file name at any depth (<c>*.cs</c>).
/// </summary>
/// <remarks>
/// The pattern comes from the caller, so it is compiled to a non-backtracking regular expression: matching takes
/// time linear in the path whatever the pattern (<c>**/**/**/…</c> or <c>*a*a*a*b</c> cannot stall a search).
/// </remarks>
internal sealed class Glob
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    private Glob(Regex regex, bool nameOnly)
    {
        _regex = regex;
        _nameOnly = nameOnly;
    }

    /// <summary>Compiles a glob.</summary>
    /// <exception cref="ArgumentException">
    /// The pattern is malformed (unbalanced braces), or too large for the non-backtracking engine's automaton.
    /// </exception>
    public static Glob Parse(string pattern, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        pattern = pattern.Trim().Replace('\\', '/');
        while (pattern.StartsWith("./", StringComparison.Ordinal))
        {
            pattern = pattern[2..];
        }

        // Paths are relative to the folder searched: a leading '/' means "from that folder".
        pattern = pattern.TrimStart('/');
        var builder = new StringBuilder("^");
        var braces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                    builder.Append(slash ? "(?:.*/)?" : ".*");
                    i += slash ? 2 : 1;

                    // "**/**/" means the same as "**/".
                    while (slash && pattern.AsSpan(i + 1).StartsWith("**/", StringComparison.Ordinal))
                    {
                        i += 3;
                    }

                    break;
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '?':
                    builder.Append("[^/]");
                    break;
                case '{':
                    braces++;
                    builder.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    builder.Append(')');
                    break;
                case ',' when braces > 0:
                    builder.Append('|');
                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (braces != 0)
        {
            throw new ArgumentException($"The glob '{pattern}' has an unclosed '{{'.", nameof(pattern));
        }

        builder.Append('$');
        var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new Glob(new Regex(builder.ToString(), options), !pattern.Contains('/', StringComparison.Ordinal));
        }
        catch (NotSupportedException ex)
        {
            // The engine refuses patterns whose automaton would exceed its size limit; there is no safe fallback.
            throw new ArgumentException(
                $"The glob is too complex ({pattern.Length} characters): the matcher's automaton would exceed its size limit. Use a shorter pattern, with fewer wildcards and alternatives.",
                nameof(pattern),
                ex);
        }
    }

    /// <summary>Whether a relative path ('/'-separated) matches.</summary>
    public bool IsMatch(string relativePath) =>
        _regex.IsMatch(_nameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath);
}
