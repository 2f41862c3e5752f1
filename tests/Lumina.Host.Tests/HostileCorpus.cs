using System.Globalization;
using System.Text;

namespace Lumina.Host.Tests;

/// <summary>
/// A deterministic corpus of malformed and hostile JSON-RPC requests (issue 5, item 7). Every request that would
/// succeed if the server were lenient is built on a base that must fail anyway (unknown method, unknown tool, bad
/// arguments), so a server that tolerates the malformation still owes an error, never a result.
/// </summary>
/// <remarks>
/// Replies over stdio follow the stdin guard's contract: unparseable lines get -32700 with id null; valid JSON that is
/// not a JSON-RPC message gets -32600 (with the id when it is a string or an integer, else null); a non-object
/// <c>params</c> gets -32602; batches get -32600; unknown methods -32601; unknown tools -32602; wrong-typed params of
/// known methods are refused by the SDK (-32602 or its generic -32603); a real tool called with wrong, missing or extra
/// arguments answers a tool result with <c>isError</c>; notifications and stray responses get nothing.
/// </remarks>
internal static partial class HostileCorpus
{
    /// <summary>The message size limit both hosts are started with (stdio line, HTTP body).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    public const int Seed = 20261123;

    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int ParseError = -32700;
    public const int ResourceNotFound = -32002;

    private static readonly Lazy<IReadOnlyList<HostileItem>> s_items = new(Generate);

    /// <summary>The corpus, the same on every run (a fixed seed, no clock, no machine state).</summary>
    public static IReadOnlyList<HostileItem> Items => s_items.Value;

    /// <summary>Codes the SDK answers when a known method's params have the wrong shape.</summary>
    private static readonly int[] s_badParams = [InvalidParams, InternalError, ResourceNotFound];

    private static readonly string[] s_oddUnicode =
    [
        "\u202Etime_now", "time\u200B_now", "time_now\u200D", "\uFEFFtime_now", "time_now\u2060", "ｔｉｍｅ＿ｎｏｗ", "tіme_now",
        "TIME_NOW", "time_now\u0000", "\U0001F600", "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466", "caf\u00E9", "cafe\u0301",
        "e" + new string('\u0301', 2000), "\U0001F3F3\uFE0F\u200D\U0001F308" + string.Concat(Enumerable.Repeat("\U0001F44D\U0001F3FD", 300)),
        "\u0627\u0644\u0639\u0631\u0628\u064A\u0629\u202Bx\u202C", "\u0000\u0001\u001F", "\uFFFD\uFFFE\uFFFF", "a\u2028b\u2029c",
        "../../../../etc/passwd", "C:\\Windows\\System32", "%00%ff%c0%af", "${jndi:ldap://x}", "'; DROP TABLE facts; --", "<script>alert(1)</script>",
        "\U000E0041\U000E0042", "\u1100\u1161\u11A8", "Z\u0351\u0334\u0335\u0336\u0337\u0338\u0321\u0322",
    ];

    /// <summary>Builds the corpus afresh (the tests compare two builds to show it is deterministic).</summary>
    internal static IReadOnlyList<HostileItem> Generate()
    {
        var builder = new CorpusBuilder(new Random(Seed));
        BeforeInitialize(builder);
        BrokenJson(builder);
        WrongEnvelope(builder);
        Batches(builder);
        HugeNumbers(builder);
        HugeStrings(builder);
        DeepNesting(builder);
        OddUnicode(builder);
        UnknownMethodsAndTools(builder);
        BadToolArguments(builder);
        DuplicateIds(builder);
        DuplicateKeys(builder);
        Notifications(builder);
        StrayResponses(builder);
        return builder.Items;
    }

    /// <summary>Items stdio sends before <c>initialize</c> (a host must refuse them as it would after).</summary>
    public static bool IsBeforeInitialize(HostileItem item) => item.Category == "before-initialize";

    private static string Envelope(string id, string method, string? parameters = null) =>
        parameters is null
            ? $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{method}}}"
            : $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{method},\"params\":{parameters}}}";

    private static string Call(string id, string tool, string arguments) =>
        Envelope(id, "\"tools/call\"", $"{{\"name\":{tool},\"arguments\":{arguments}}}");

    private static string Replace(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private static string Without(string arguments, string name) =>
        string.Join(',', arguments.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(a => !a.StartsWith($"\"{name}\":", StringComparison.Ordinal)));

    private static string Digits(int count) => "9" + new string('8', count - 1);

    /// <summary>The text as a JSON string with non-ASCII characters as raw UTF-8 (only quotes, backslashes and controls escaped).</summary>
    private static string RawJsonString(string text)
    {
        var result = new StringBuilder("\"");
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return result.Append('"').ToString();
    }

    /// <summary>The text as a JSON string with every non-ASCII character as a \u escape.</summary>
    private static string EscapedJsonString(string text)
    {
        var result = new StringBuilder("\"");
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return result.Append('"').ToString();
    }

    /// <summary>A short printable name for a value in an item's name.</summary>
    private static string Describe(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 24 ? text[..24] : text)
        {
            shown.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > 24 ? $"{shown}…({text.Length} chars)" : shown.ToString();
    }

    /// <summary>Numbers items and gives each request its own id, so a reply names the item it answers.</summary>
    private sealed class CorpusBuilder(Random random)
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly HashSet<string> _contents = new(StringComparer.Ordinal);

        public List<HostileItem> Items { get; } = [];

        public Random Random => random;

        public void Add(string category, string name, byte[][] lines, IReadOnlyList<ExpectedReply> replies, bool hasUsableId)
        {
            if (!_contents.Add(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData([.. lines.SelectMany(l => l)]))))
            {
                return; // Two seeded mutations that came out the same: one item is enough.
            }

            var unique = name;
            for (var n = 2; !_names.Add(category + "/" + unique); n++)
            {
                unique = $"{name} ({n})";
            }

            Items.Add(new HostileItem(Items.Count + 1, category, unique, lines, replies, hasUsableId));
        }

        /// <summary>A request with a fresh id, answered with a JSON-RPC error carrying that id.</summary>
        public void Request(string category, string name, Func<string, string> text, params int[] codes) =>
            Request(category, name, text, codes, ReplyKind.Error);

        /// <summary>A request with a fresh id, answered with one reply of <paramref name="kind"/> carrying that id.</summary>
        public void Request(string category, string name, Func<string, string> text, int[] codes, ReplyKind kind)
        {
            var id = NextId();
            Add(category, name, [Encoding.UTF8.GetBytes(text(id))], [new ExpectedReply(id, kind, codes)], hasUsableId: true);
        }

        /// <summary>A request whose id is given in its text (the reply must carry <paramref name="idJson"/>).</summary>
        public void Request(string category, string name, Func<string, string> text, string idJson, params int[] codes) =>
            Add(category, name, [Encoding.UTF8.GetBytes(text(idJson))], [new ExpectedReply(idJson, ReplyKind.Error, codes)], hasUsableId: true);

        /// <summary>A well-formed tools/call of a real tool with bad arguments: a tool result with isError.</summary>
        public void Tool(string category, string name, Func<string, string> text) => Request(category, name, text, [], ReplyKind.ToolError);

        /// <summary>Input with no id to answer to: the error carries id null.</summary>
        public void Unusable(string category, string name, string text, params int[] codes) =>
            RawUnusable(category, name, Encoding.UTF8.GetBytes(text), codes);

        public void RawUnusable(string category, string name, byte[] bytes, params int[] codes) =>
            Add(category, name, [bytes], [new ExpectedReply("null", ReplyKind.Error, codes)], hasUsableId: false);

        private string NextId() => Items.Count % 3 == 0
            ? (100_000 + Items.Count).ToString(CultureInfo.InvariantCulture)
            : $"\"h-{Items.Count + 1}-{random.Next():x8}\"";
    }
}
