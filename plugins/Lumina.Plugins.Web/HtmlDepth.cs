namespace Lumina.Plugins.Web;

/// <summary>
/// Estimates how deeply an HTML text nests its elements, by a linear scan of its tags, before anything parses it.
/// </summary>
/// <remarks>
/// HTML5 tree building and Readability's scoring cost time in the depth of the open-element stack, so a page of a
/// million unclosed <c>&lt;div&gt;</c>s would hold a thread for minutes (and recursive walks would overflow the
/// stack). Elements that close themselves (void elements) or that the parser closes implicitly when a sibling starts
/// (<c>p</c>, <c>li</c>, table parts, …) are not counted, so ordinary pages stay far below the limit.
/// </remarks>
internal static class HtmlDepth
{
    /// <summary>The deepest nesting converted; deeper pages are refused in every format but raw.</summary>
    public const int MaxDepth = 512;

    private static readonly HashSet<string> s_uncounted = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rp",
        "html", "head", "body", "!doctype",
    };

    /// <summary>Whether the text nests deeper than <see cref="MaxDepth"/>.</summary>
    public static bool IsTooDeep(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var depth = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            var closing = html[i + 1] == '/';
            var start = closing ? i + 2 : i + 1;
            var end = start;
            while (end < html.Length && (char.IsAsciiLetterOrDigit(html[end]) || html[end] == '!'))
            {
                end++;
            }

            if (end == start || !char.IsAsciiLetter(html[start]) && html[start] != '!')
            {
                i++;
                continue;
            }

            var name = html[start..end];
            var close = html.IndexOf('>', end);
            var selfClosing = close > 0 && html[close - 1] == '/';
            if (!s_uncounted.Contains(name) && !selfClosing)
            {
                depth += closing ? -1 : 1;
                depth = Math.Max(depth, 0);
                if (depth > MaxDepth)
                {
                    return true;
                }
            }

            if (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                if (!closing)
                {
                    // Script and style bodies are text: skip to their end tag.
                    var after = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                    depth = Math.Max(depth - 1, 0);
                    i = after < 0 ? html.Length : after + 2 + name.Length;
                    continue;
                }
            }

            i = close < 0 ? html.Length : close + 1;
        }

        return false;
    }
}
