using System.Text.RegularExpressions;
using Lumina.Abstractions;

namespace Lumina.Plugins.Files;

/// <summary>Matches lines against a search query: plain text, or a regular expression that cannot stall the host.</summary>
/// <remarks>
/// A regular expression is first compiled without backtracking, which matches in linear time whatever the pattern.
/// Only patterns that need backtracking (backreferences, lookarounds, atomic groups) fall back to the backtracking
/// engine, and then with a timeout per line, so a catastrophic pattern fails fast instead of hanging the search.
/// </remarks>
internal sealed class TextMatcher
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);
    private readonly string? _text;
    private readonly StringComparison _comparison;
    private readonly Regex? _regex;

    private TextMatcher(string? text, StringComparison comparison, Regex? regex)
    {
        _text = text;
        _comparison = comparison;
        _regex = regex;
    }

    /// <summary>A matcher for <paramref name="query"/>.</summary>
    /// <exception cref="LuminaException">The regular expression is not valid.</exception>
    public static TextMatcher Create(string query, bool isRegex, bool caseSensitive)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!isRegex)
        {
            return new TextMatcher(query, caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase, null);
        }

        var options = RegexOptions.CultureInvariant | (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase);
        try
        {
            try
            {
                return new TextMatcher(null, StringComparison.Ordinal, new Regex(query, options | RegexOptions.NonBacktracking, s_timeout));
            }
            catch (NotSupportedException)
            {
                return new TextMatcher(null, StringComparison.Ordinal, new Regex(query, options, s_timeout));
            }
        }
        catch (ArgumentException ex)
        {
            throw new LuminaException($"The regular expression is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>Whether <paramref name="line"/> contains a match.</summary>
    /// <exception cref="LuminaException">The regular expression took too long on the line.</exception>
    public bool IsMatch(string line)
    {
        if (_regex is null)
        {
            return line.Contains(_text!, _comparison);
        }

        try
        {
            return _regex.IsMatch(line);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new LuminaException(
                $"The regular expression took longer than {s_timeout.TotalSeconds:0} s on one line and the search was stopped. Simplify it (avoid nested quantifiers such as (a+)+) or search for plain text.",
                ex);
        }
    }
}
