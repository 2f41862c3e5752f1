using System.Text;
using AngleSharp.Dom;

namespace Lumina.Plugins.Web;

/// <summary>Turns an HTML fragment (the main content SmartReader extracted) into CommonMark.</summary>
/// <remarks>
/// Hand-written over AngleSharp's DOM because the usual converter (ReverseMarkdown) is not served by the package
/// registry here; it covers what article content uses — headings, paragraphs, emphasis, links, images, lists,
/// quotes, code and simple tables — and renders anything else as its text.
/// </remarks>
internal static class HtmlMarkdown
{
    /// <summary>Converts the children of <paramref name="root"/>.</summary>
    public static string Convert(INode root, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(root);
        var writer = new StringBuilder();
        Children(root, writer, baseUri, listDepth: 0);
        return Tidy(writer.ToString());
    }

    private static void Children(INode node, StringBuilder writer, Uri baseUri, int listDepth)
    {
        foreach (var child in node.ChildNodes)
        {
            Node(child, writer, baseUri, listDepth);
        }
    }

    private static void Node(INode node, StringBuilder writer, Uri baseUri, int listDepth)
    {
        if (node is IText text)
        {
            writer.Append(Escape(Collapse(text.Data)));
            return;
        }

        if (node is not IElement element)
        {
            return;
        }

        switch (element.LocalName)
        {
            case "script" or "style" or "noscript" or "template" or "iframe" or "svg" or "form" or "button" or "nav":
                return;
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                writer.Append("\n\n").Append('#', element.LocalName[1] - '0').Append(' ').Append(Inline(element, baseUri)).Append("\n\n");
                return;
            case "p" or "div" or "section" or "article" or "main" or "header" or "footer" or "figure" or "aside":
                writer.Append("\n\n");
                Children(element, writer, baseUri, listDepth);
                writer.Append("\n\n");
                return;
            case "br":
                writer.Append("  \n");
                return;
            case "hr":
                writer.Append("\n\n---\n\n");
                return;
            case "strong" or "b":
                Wrap(element, writer, baseUri, "**");
                return;
            case "em" or "i":
                Wrap(element, writer, baseUri, "*");
                return;
            case "code" when element.ParentElement?.LocalName != "pre":
                writer.Append('`').Append(element.TextContent.Replace("`", "\\`", StringComparison.Ordinal)).Append('`');
                return;
            case "pre":
                writer.Append("\n\n```\n").Append(element.TextContent.TrimEnd('\n')).Append("\n```\n\n");
                return;
            case "a":
                Link(element, writer, baseUri);
                return;
            case "img":
                var src = Absolute(element.GetAttribute("src"), baseUri);
                if (src is not null)
                {
                    writer.Append("![").Append(Escape(element.GetAttribute("alt") ?? string.Empty)).Append("](").Append(src).Append(')');
                }

                return;
            case "ul" or "ol":
                List(element, writer, baseUri, listDepth);
                return;
            case "blockquote":
                var quoted = Tidy(Convert(element, baseUri));
                writer.Append("\n\n").Append(string.Join('\n', quoted.Split('\n').Select(l => "> " + l))).Append("\n\n");
                return;
            case "table":
                Table(element, writer, baseUri);
                return;
            default:
                Children(element, writer, baseUri, listDepth);
                return;
        }
    }

    private static void Wrap(IElement element, StringBuilder writer, Uri baseUri, string mark)
    {
        var inner = Inline(element, baseUri);
        if (inner.Length > 0)
        {
            writer.Append(mark).Append(inner).Append(mark);
        }
    }

    private static void Link(IElement element, StringBuilder writer, Uri baseUri)
    {
        var inner = Inline(element, baseUri);
        var href = Absolute(element.GetAttribute("href"), baseUri);
        if (href is null || inner.Length == 0)
        {
            writer.Append(inner);
            return;
        }

        writer.Append('[').Append(inner).Append("](").Append(href).Append(')');
    }

    private static void List(IElement list, StringBuilder writer, Uri baseUri, int listDepth)
    {
        writer.Append(listDepth == 0 ? "\n\n" : "\n");
        var number = 1;
        foreach (var item in list.Children.Where(c => c.LocalName == "li"))
        {
            var marker = list.LocalName == "ol" ? $"{number++}. " : "- ";
            var inner = new StringBuilder();
            Children(item, inner, baseUri, listDepth + 1);
            var lines = Tidy(inner.ToString()).Split('\n');
            var indent = new string(' ', marker.Length);
            writer.Append(new string(' ', 2 * listDepth)).Append(marker).Append(lines[0]).Append('\n');
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
            {
                writer.Append(new string(' ', 2 * listDepth)).Append(indent).Append(line.TrimStart()).Append('\n');
            }
        }

        writer.Append(listDepth == 0 ? "\n" : string.Empty);
    }

    private static void Table(IElement table, StringBuilder writer, Uri baseUri)
    {
        var rows = table.QuerySelectorAll("tr").ToList();
        if (rows.Count == 0)
        {
            return;
        }

        writer.Append("\n\n");
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].Children.Where(c => c.LocalName is "td" or "th").Select(c => Inline(c, baseUri).Replace("|", "\\|", StringComparison.Ordinal)).ToList();
            writer.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
            if (r == 0)
            {
                writer.Append('|').Append(string.Concat(cells.Select(_ => " --- |"))).Append('\n');
            }
        }

        writer.Append('\n');
    }

    private static string Inline(IElement element, Uri baseUri)
    {
        var inner = new StringBuilder();
        Children(element, inner, baseUri, listDepth: 0);
        return Collapse(inner.ToString()).Trim();
    }

    private static string? Absolute(string? href, Uri baseUri)
    {
        if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(baseUri, href.Trim(), out var absolute))
        {
            return null;
        }

        // Only web links: a javascript: or data: link is dropped, keeping its text.
        return absolute.Scheme is "http" or "https" or "mailto" ? absolute.AbsoluteUri.Replace(" ", "%20", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal) : null;
    }

    private static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) && c != '\u00a0')
            {
                if (!space)
                {
                    builder.Append(' ');
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '`' or '[' or ']' or '<')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Trims trailing spaces (not a hard break's two) and a lone leading one, and keeps at most one blank line in a row.</summary>
    private static string Tidy(string markdown)
    {
        var lines = markdown.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
        var output = new StringBuilder(markdown.Length);
        var blank = 0;
        foreach (var raw in lines)
        {
            var line = raw.Trim().Length == 0 ? string.Empty : raw.EndsWith("  ", StringComparison.Ordinal) ? raw : raw.TrimEnd(' ');
            if (line.Length > 1 && line[0] == ' ' && line[1] != ' ')
            {
                line = line[1..];
            }

            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (output.Length > 0)
            {
                output.Append(blank > 0 ? "\n\n" : "\n");
            }

            output.Append(line);
            blank = 0;
        }

        return output.ToString();
    }
}
