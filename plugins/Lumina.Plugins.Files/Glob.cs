using System.Text;
using System.Text.RegularExpressions;

namespace Lumina.Plugins.Files;

/// <summary>
/// Glob patterns over '/'-separated relative paths: <c>*</c> (within a folder), <c>?</c>, <c>**</c> (any folders),
/// <c>{a,b}</c> (either). A pattern without '/' matches a file name at any depth (<c>*.cs</c>).
/// </summary>
internal sealed class Glob
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    private Glob(Regex regex, bool nameOnly)
    {
        _regex = regex;
        _nameOnly = nameOnly;
    }

    public static Glob Parse(string pattern, bool ignoreCase)
    {
        pattern = pattern.Trim().Replace('\\', '/');
        if (pattern.StartsWith("./", StringComparison.Ordinal))
        {
            pattern = pattern[2..];
        }

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
            throw new ArgumentException($"Unbalanced braces in the pattern '{pattern}'.", nameof(pattern));
        }

        builder.Append('$');
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Glob(new Regex(builder.ToString(), options, TimeSpan.FromSeconds(1)), !pattern.Contains('/', StringComparison.Ordinal));
    }

    /// <summary>Whether a relative path ('/'-separated) matches.</summary>
    public bool IsMatch(string relativePath) =>
        _regex.IsMatch(_nameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath);
}
