using System.Text;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;

namespace Lumina.Core.Memory;

/// <summary>The checks and limits both stores apply the same way, with errors that say which limit was hit.</summary>
internal static class MemoryRules
{
    /// <summary>Cuts a turn's text to <see cref="MemoryOptions.MaxTurnBytes"/>, saying so at the end.</summary>
    public static string FitTurn(string text, MemoryOptions options)
    {
        var max = options.MaxTurnBytes;
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= max)
        {
            return text;
        }

        const string Cut = "\n[…cut to fit Lumina:Memory:MaxTurnBytes]";
        var length = Math.Min(text.Length, max - Cut.Length);
        while (length > 0 && System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > max - Cut.Length)
        {
            length -= Math.Max(1, length / 10);
        }

        return text[..Math.Max(0, length)] + Cut;
    }

    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static void User(string userId)
    {
        if (string.IsNullOrWhiteSpace(userId) || userId.Length > 256)
        {
            throw new ArgumentException("A user id of 1 to 256 characters is required.", nameof(userId));
        }
    }

    public static string Fact(string text, MemoryOptions options)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LuminaException("There is nothing to remember: the text is empty.");
        }

        Size(text, options.MaxFactBytes, "A fact", "Lumina:Memory:MaxFactBytes");
        return text.Trim();
    }

    public static IReadOnlyList<string> Tags(IReadOnlyList<string>? tags) =>
        tags is null ? [] : [.. tags.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Take(32)];

    public static void FactCount(long count, MemoryOptions options)
    {
        if (count >= options.MaxFactsPerUser)
        {
            throw new LuminaException($"You have {count} facts, the most one user may keep (Lumina:Memory:MaxFactsPerUser). Forget some first.");
        }
    }

    public static void Context(string key, string value, MemoryOptions options)
    {
        Key(key);
        Size(value, options.MaxValueBytes, "A context value", "Lumina:Memory:MaxValueBytes");
    }

    public static void Key(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 128)
        {
            throw new LuminaException("A context key of 1 to 128 characters is required.");
        }
    }

    public static void ContextCount(long count, MemoryOptions options)
    {
        if (count >= options.MaxContextKeys)
        {
            throw new LuminaException($"You have {count} context values, the most one user may keep (Lumina:Memory:MaxContextKeys). Delete some first.");
        }
    }

    public static void ConversationId(string conversationId)
    {
        if (string.IsNullOrWhiteSpace(conversationId) || conversationId.Length > 128)
        {
            throw new LuminaException("A conversation id of 1 to 128 characters is required.");
        }
    }

    public static void Turns(IReadOnlyList<ConversationTurn> turns, MemoryOptions options)
    {
        foreach (var turn in turns)
        {
            Size(turn.Content, options.MaxTurnBytes, "A conversation turn", "Lumina:Memory:MaxTurnBytes");
        }
    }

    public static void ConversationCount(long count, MemoryOptions options)
    {
        if (count >= options.MaxConversationsPerUser)
        {
            throw new LuminaException($"You have {count} conversations, the most one user may keep (Lumina:Memory:MaxConversationsPerUser).");
        }
    }

    /// <summary>The conversation's title: its first user turn, shortened.</summary>
    public static string Title(IReadOnlyList<ConversationTurn> turns)
    {
        var first = turns.FirstOrDefault(t => t.Role == TurnRole.User)?.Content ?? (turns.Count > 0 ? turns[0].Content : "conversation");
        first = first.ReplaceLineEndings(" ").Trim();
        return first.Length <= 80 ? first : first[..77] + "...";
    }

    /// <summary>
    /// How many of the oldest turns to drop so that the rest fit in <paramref name="max"/>, moved forward so a
    /// tool result is never kept without the call it answers.
    /// </summary>
    public static int DropCount(IReadOnlyList<ConversationTurn> turns, int max)
    {
        var drop = Math.Max(0, turns.Count - max);
        while (drop < turns.Count && turns[drop].Role == TurnRole.Tool && turns[drop].ToolCallId is not null
            && turns.Take(drop).Any(t => t.ToolCallId == turns[drop].ToolCallId))
        {
            drop++;
        }

        return drop;
    }

    private static void Size(string text, int max, string what, string setting)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > max)
        {
            throw new LuminaException($"{what} may hold at most {max} bytes ({setting}); this one has {bytes}.");
        }
    }
}
