using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>How a call's arguments are digested for its record, and kept until then.</summary>
internal static partial class AuditChain
{
    /// <summary>
    /// SHA-256 (lower-case hex) of the arguments as canonical JSON: an object of the argument names, sorted ordinally,
    /// with their values (objects' keys sorted too, at every depth). The arguments themselves are never kept.
    /// </summary>
    public static string DigestArguments(KernelArguments? arguments)
    {
        if (arguments is not { Count: > 0 })
        {
            return DigestSnapshot([]);
        }

        var pairs = new KeyValuePair<string, object?>[arguments.Count];
        ((ICollection<KeyValuePair<string, object?>>)arguments).CopyTo(pairs, 0);
        return DigestSnapshot(pairs);
    }

    /// <summary>
    /// The digest of arguments kept by <see cref="SnapshotArguments"/> — the same as <see cref="DigestArguments(KernelArguments?)"/>
    /// of the arguments they were taken from. Sorts <paramref name="pairs"/> in place.
    /// </summary>
    public static string DigestSnapshot(KeyValuePair<string, object?>[] pairs)
    {
        // Sorted by hand rather than with LINQ, usually for one or two arguments.
        if (pairs.Length > 1)
        {
            Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        var text = RentText();
        text.Append('{');
        for (var i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            WriteString(text, pairs[i].Key);
            text.Append(':');
            WriteValue(text, pairs[i].Value);
        }

        text.Append('}');
        return HashAndReturn(text);
    }

    /// <summary>
    /// The arguments as they are now, kept so that the audit writer can digest them later, off the call's path; or
    /// <see langword="null"/> when a value could change before then (any object other than a string, a JSON value or a
    /// primitive), and the digest must be taken now.
    /// </summary>
    /// <remarks>
    /// The pairs are copied (a function may change its arguments; the record is of what was asked). A JSON value is
    /// cloned: that is free for the values the MCP SDK and the serializer make (their documents are never disposed)
    /// and copies one from a caller's <see cref="JsonDocument"/>, which the caller may dispose as soon as the call returns.
    /// </remarks>
    public static KeyValuePair<string, object?>[]? SnapshotArguments(KernelArguments? arguments)
    {
        if (arguments is not { Count: > 0 })
        {
            return [];
        }

        var pairs = new KeyValuePair<string, object?>[arguments.Count];
        var i = 0;
        foreach (var (name, value) in arguments)
        {
            switch (value)
            {
                case null or string or bool or int or long or double or float or decimal or Guid or DateTime or DateTimeOffset or TimeSpan:
                    pairs[i++] = new(name, value);
                    break;
                case JsonElement element:
                    pairs[i++] = new(name, element.ValueKind == JsonValueKind.Undefined ? element : element.Clone());
                    break;
                default:
                    return null;
            }
        }

        return pairs;
    }

    private static void WriteValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                WriteString(text, s);
                return;
            case JsonElement element:
                WriteElement(text, element);
                return;

            // As the serializer below writes them, without its cost on the call path.
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case int i:
                text.Append(CultureInfo.InvariantCulture, $"{i}");
                return;
            case long l:
                text.Append(CultureInfo.InvariantCulture, $"{l}");
                return;
        }

        JsonElement serialized;
        try
        {
            serialized = JsonSerializer.SerializeToElement(value, value.GetType());
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            // A value JSON cannot represent still has to change the digest when it changes: its type and text do.
            WriteString(text, value.GetType().FullName + ":" + Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }

        WriteElement(text, serialized);
    }

    private static void WriteElement(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, property.Name);
                    text.Append(':');
                    WriteElement(text, property.Value);
                }

                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        text.Append(',');
                    }

                    WriteElement(text, item);
                }

                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, element.GetString());
                break;
            case JsonValueKind.Undefined:
                text.Append("null");
                break;
            default:
                // Numbers as written, true, false, null.
                text.Append(element.GetRawText());
                break;
        }
    }
}
