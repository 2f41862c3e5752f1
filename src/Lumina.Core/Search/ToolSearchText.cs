using System.Buffers;
using System.Text;

namespace Lumina.Core.Search;

/// <summary>The words tool search indexes: identifiers split into words, light stemming, stop words left out.</summary>
internal static class ToolSearchText
{
    // Deliberately short: words that carry no intent in a request ("please open a bug in my repo"). Words such as
    // "new", "all", "list" or "get" stay — they tell create from list.
    private static readonly HashSet<string> StopWordSet = new(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "for", "from", "i", "in", "into", "is",
        "it", "its", "me", "my", "of", "on", "or", "our", "please", "that", "the", "their", "this", "to", "us", "was",
        "we", "what", "which", "will", "with", "would", "you", "your",
    ], StringComparer.Ordinal);

    private static readonly SearchValues<char> Vowels = SearchValues.Create("aeiouy");

    // Words a request and a tool description use for the same thing. A query word brings in the others of its groups at
    // ToolSearchTuning.RelatedWeight, so "file a ticket" still reaches "create issue" when no word is shared. General
    // vocabulary of tools and requests only — no tool names — so it does not fit one catalog.
    private static readonly string[][] RelatedGroups =
    [
        ["create", "new", "add", "open", "make", "file", "raise", "submit"],
        ["issue", "ticket", "bug"],
        ["delete", "remove", "erase", "trash", "forget"],
        ["list", "show", "display", "enumerate"],
        ["get", "fetch", "read", "retrieve", "view", "show", "open"],
        ["search", "find", "lookup", "look", "query", "mention"],
        ["run", "execute", "invoke", "launch"],
        ["stop", "halt", "shut", "shutdown", "kill", "terminate"],
        ["start", "boot", "launch", "resume", "begin"],
        ["restart", "reboot", "bounce", "recycle"],
        ["send", "post", "notify", "tell", "announce"],
        ["message", "text", "dm", "note"],
        ["email", "mail", "inbox"],
        ["meeting", "event", "appointment", "invite", "invitation"],
        ["schedule", "book", "reserve"],
        ["available", "free", "availability", "busy"],
        ["file", "document", "doc"],
        ["folder", "directory", "dir"],
        ["directions", "route", "drive", "driving", "commute", "travel"],
        ["weather", "forecast", "temperature", "rain", "raining", "snow", "sunny", "wind"],
        ["price", "cost", "quote", "trading", "worth", "value"],
        ["stock", "share", "equity", "ticker"],
        ["currency", "money", "exchange", "fx", "convert"],
        ["refund", "reimburse", "money"],
        ["translate", "translation", "language"],
        ["transcribe", "transcript", "transcription", "speech", "captions", "subtitles"],
        ["image", "picture", "photo", "draw", "drawing", "illustration"],
        ["video", "clip", "movie", "recording"],
        ["music", "song", "track", "playlist", "play"],
        ["deploy", "release", "ship", "rollout"],
        ["log", "logs", "output", "trace"],
        ["error", "exception", "crash", "failure", "fail", "failed", "broken"],
        ["alert", "alarm", "monitor", "warning"],
        ["mute", "silence", "snooze"],
        ["acknowledge", "ack"],
        ["cpu", "memory", "usage", "load"],
        ["machine", "host", "server", "instance", "vm", "box"],
        ["database", "db", "sql"],
        ["contact", "lead", "person", "customer"],
        ["flight", "fly", "airline", "plane", "airport"],
        ["hotel", "stay", "accommodation", "room"],
        ["restaurant", "dinner", "lunch", "table"],
        ["recipe", "cook", "cooking", "dish", "meal"],
        ["task", "todo", "reminder", "remind"],
        ["vacation", "leave", "holiday", "pto", "off"],
        ["thermostat", "heat", "heating", "warmer", "cooler", "temperature", "hvac"],
        ["light", "lamp", "brightness", "dim"],
        ["vulnerability", "cve", "security", "advisory"],
        ["changes", "diff", "modified", "uncommitted", "status"],
        ["review", "rating", "opinion"],
        ["web", "internet", "online"],
        ["pay", "payment", "charge", "checkout", "billing", "bill"],
        ["coordinates", "latitude", "longitude", "geocode", "location"],
    ];

    /// <summary>
    /// The words of an identifier: <c>github_create_issue</c>, <c>listPullRequests</c>, <c>repo-name</c> and
    /// <c>user.email</c> give their parts; a camel-cased one also keeps its whole (<c>repoName</c> → repo, name, reponame).
    /// </summary>
    public static IEnumerable<string> Identifier(string identifier)
    {
        var spaced = new StringBuilder(identifier.Length + 8);
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(identifier[i - 1]) ||
                (i + 1 < identifier.Length && char.IsUpper(identifier[i - 1]) && char.IsLower(identifier[i + 1]))))
            {
                spaced.Append(' ');
            }

            spaced.Append(c);
        }

        var parts = Bm25Index.Tokenize(spaced.ToString());
        var whole = Bm25Index.Tokenize(identifier);
        return parts.Count > whole.Count ? parts.Concat(whole.Except(parts, StringComparer.Ordinal)) : parts;
    }

    /// <summary>The indexed form of <paramref name="tokens"/>: stop words left out and endings stripped, as tuned.</summary>
    public static IEnumerable<string> Normalize(IEnumerable<string> tokens, ToolSearchTuning tuning)
    {
        foreach (var token in tokens)
        {
            if (tuning.StopWords && StopWordSet.Contains(token))
            {
                continue;
            }

            yield return tuning.Stem ? Stem(token) : token;
        }
    }

    /// <summary>
    /// The related words of <paramref name="word"/> (an indexed word, as <see cref="Normalize"/> gives it) under
    /// <paramref name="tuning"/>, itself left out.
    /// </summary>
    public static IEnumerable<string> Related(string word, ToolSearchTuning tuning) =>
        (tuning.Stem ? StemmedRelated : PlainRelated).TryGetValue(word, out var related) ? related : [];

    private static readonly Dictionary<string, string[]> PlainRelated = RelatedIndex(w => w);
    private static readonly Dictionary<string, string[]> StemmedRelated = RelatedIndex(Stem);

    private static Dictionary<string, string[]> RelatedIndex(Func<string, string> form)
    {
        var related = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in RelatedGroups)
        {
            var words = group.Select(form).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var word in words)
            {
                if (!related.TryGetValue(word, out var set))
                {
                    related[word] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(words.Where(w => w != word));
            }
        }

        return related.ToDictionary(p => p.Key, p => p.Value.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// A light suffix stripper (plural, <c>-ing</c>, <c>-ed</c>, then a final <c>e</c>), so that "issues", "creating",
    /// "created" and "create" meet. Not Porter: tool texts are short and a handful of rules gives most of the recall.
    /// </summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !word.All(char.IsLetter))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            word = word[..^3] + "y";
        }
        else if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) ||
            word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal))
        {
            word = word[..^2];
        }
        else if (word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) &&
            !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            word = word[..^1];
        }
        else if (word.EndsWith("ing", StringComparison.Ordinal) && word.Length >= 6 && HasVowel(word.AsSpan(0, word.Length - 3)))
        {
            word = Undouble(word[..^3]);
        }
        else if (word.EndsWith("ed", StringComparison.Ordinal) && word.Length >= 5 && HasVowel(word.AsSpan(0, word.Length - 2)))
        {
            word = Undouble(word[..^2]);
        }

        return word.Length > 3 && word.EndsWith('e') ? word[..^1] : word;
    }

    private static bool HasVowel(ReadOnlySpan<char> text) => text.IndexOfAny(Vowels) >= 0;

    // "running" → "run", "tagged" → "tag"; but "pull", "fill", "pass" and "buzz" keep their pair.
    private static string Undouble(string stem) =>
        stem.Length >= 3 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') ? stem[..^1] : stem;
}
