using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Lumina.Core.Tools;

/// <summary>
/// Finds JSON strings, member names included, that are valid JSON but not text: an escaped UTF-16 surrogate without
/// its pair (<c>"\ud800"</c>). Reading one as a .NET string throws (<see cref="InvalidOperationException"/> from
/// <see cref="JsonElement.GetString"/>, and from every <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>
/// on an object with such a name), so a message is checked before anything reads it.
/// </summary>
/// <remarks>Public for the hosts, which check each message before the MCP SDK reads it (stdin and HTTP alike).</remarks>
public static class JsonText
{
    private const int MaxShownName = 64;

    /// <summary>
    /// Whether UTF-8 JSON text has an escaped unpaired surrogate anywhere. The text must already have parsed as JSON:
    /// a backslash then appears only inside strings, so a scan for escapes is exact.
    /// </summary>
    public static bool HasUnpairedSurrogate(ReadOnlySequence<byte> json) =>
        json.IsSingleSegment ? HasUnpairedSurrogate(json.FirstSpan) : HasUnpairedSurrogate(json.ToArray());

    /// <inheritdoc cref="HasUnpairedSurrogate(ReadOnlySequence{byte})"/>
    public static bool HasUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        var at = 0;
        while (true)
        {
            var next = json[at..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return false;
            }

            at += next;
            if (at + 1 >= json.Length)
            {
                return false;
            }

            if (json[at + 1] != (byte)'u' || !TryUnit(json, at, out var unit))
            {
                at += 2; // \" \\ \n …: the escaped character is never the start of another escape.
                continue;
            }

            at += 6;
            if (!char.IsSurrogate((char)unit))
            {
                continue;
            }

            if (char.IsLowSurrogate((char)unit) || !TryUnit(json, at, out var low) || !char.IsLowSurrogate((char)low))
            {
                return true;
            }

            at += 6;
        }
    }

    /// <summary>
    /// Where the first string that is not text is, as a path from <paramref name="root"/> (<c>params.arguments.zone</c>,
    /// <c>params.items[2]</c>); a member name that is not text is shown escaped, as sent. <see langword="null"/> when
    /// every string is text.
    /// </summary>
    /// <param name="root">The element to search (a document's root).</param>
    /// <param name="inName">Whether the string found is a member name rather than a value.</param>
    public static string? FindUnpairedSurrogate(JsonElement root, out bool inName)
    {
        inName = false;
        return Find(root, string.Empty, ref inName);
    }

    /// <summary>
    /// JSON-RPC's answer to a message (a JSON object) with a string that is not text, which no reader can take: -32600
    /// when it is in the envelope, -32602 naming its place when it is in <c>params</c> (a tool's or a prompt's argument,
    /// a resource URI). <see langword="null"/> when every string is text, and for a response whose <c>result</c> or
    /// <c>error</c> holds one (a response is never answered: the server's own request fails reading it).
    /// </summary>
    /// <param name="message">The message's root object.</param>
    /// <returns>The error code and message, and the id to answer to: a string or an integer, else undefined (answer with null).</returns>
    public static (int Code, string Message, JsonElement Id)? Refuse(JsonElement message)
    {
        const string Why = "is not text: it has an escaped UTF-16 surrogate (\\uD800-\\uDFFF) without its pair";
        JsonElement id = default;
        var hasId = TryGetMember(message, "id", out var idElement);
        if (hasId && idElement.ValueKind == JsonValueKind.String)
        {
            if (HasUnpairedSurrogate(JsonMarshal.GetRawUtf8Value(idElement)))
            {
                return (-32600, $"Invalid request: 'id' {Why}.", default);
            }

            id = idElement;
        }
        else if (hasId && idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out _))
        {
            id = idElement;
        }

        if (FindUnpairedSurrogate(message, out var inName) is not { } path)
        {
            return null;
        }

        var top = path.Split('.', '[')[0];
        var name = inName ? "the member name " : string.Empty;
        if (!inName && hasId && top is "result" or "error" && !TryGetMember(message, "method", out _))
        {
            return null;
        }

        return top == "params"
            ? (-32602, $"Invalid params: {name}'{path}' {Why}.", id)
            : (-32600, $"Invalid request: {name}'{path}' {Why}.", id);
    }

    /// <summary>
    /// The last member of <paramref name="element"/> (an object) named <paramref name="name"/>, as
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> finds it, but safe to call on an object whose
    /// other member names are not text.
    /// </summary>
    public static bool TryGetMember(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            if (!HasUnpairedSurrogate(JsonMarshal.GetRawUtf8PropertyName(property)) && property.NameEquals(name))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    private static string? Find(JsonElement element, string path, ref bool inName)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return HasUnpairedSurrogate(JsonMarshal.GetRawUtf8Value(element)) ? path : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (HasUnpairedSurrogate(rawName))
                    {
                        inName = true;
                        return Join(path, Shown(System.Text.Encoding.UTF8.GetString(rawName)));
                    }

                    if (HasUnpairedSurrogate(JsonMarshal.GetRawUtf8Value(property.Value)))
                    {
                        return Find(property.Value, Join(path, Shown(property.Name)), ref inName);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (HasUnpairedSurrogate(JsonMarshal.GetRawUtf8Value(item)))
                    {
                        return Find(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), ref inName);
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Shown(string name) => name.Length > MaxShownName ? name[..MaxShownName] + "…" : name;

    /// <summary>Reads the UTF-16 code unit of the <c>\uXXXX</c> escape at <paramref name="at"/>.</summary>
    private static bool TryUnit(ReadOnlySpan<byte> json, int at, out int unit)
    {
        unit = 0;
        if (at + 6 > json.Length || json[at] != (byte)'\\' || json[at + 1] != (byte)'u')
        {
            return false;
        }

        for (var i = at + 2; i < at + 6; i++)
        {
            var digit = HexValue(json[i]);
            if (digit < 0)
            {
                return false;
            }

            unit = (unit << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
