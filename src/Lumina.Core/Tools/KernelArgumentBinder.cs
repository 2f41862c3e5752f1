using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tools;

/// <summary>
/// Turns MCP arguments (untrusted JSON) into kernel arguments, checking presence and JSON types first so that a wrong
/// call gets a message the model can act on instead of a conversion failure deep in the kernel.
/// </summary>
internal static class KernelArgumentBinder
{
    public static KernelArguments Bind(LuminaFunction function, IDictionary<string, JsonElement>? arguments, string displayName)
    {
        var result = new KernelArguments();
        if (LuminaDescribed.Of(function.Function) is not null)
        {
            // Its own server checks the arguments against its schema: they go to it as the client sent them.
            foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                result[name] = value;
            }

            return result;
        }

        var parameters = function.Function.Metadata.Parameters;
        var strict = function.Tool?.InputSchema is null;
        if (arguments is not null && strict)
        {
            foreach (var name in arguments.Keys)
            {
                if (!parameters.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
                {
                    throw new LuminaArgumentException(
                        $"'{displayName}' has no argument '{name}'. Its arguments are: {Describe(parameters)}.");
                }
            }
        }

        foreach (var parameter in parameters)
        {
            if (arguments is null || !arguments.TryGetValue(parameter.Name, out var value) || value.ValueKind == JsonValueKind.Undefined)
            {
                if (parameter.IsRequired)
                {
                    throw new LuminaArgumentException($"'{displayName}' needs the argument '{parameter.Name}'{Hint(parameter)}.");
                }

                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                if (parameter.IsRequired)
                {
                    throw new LuminaArgumentException($"The argument '{parameter.Name}' of '{displayName}' must not be null.");
                }

                continue;
            }

            result[parameter.Name] = Convert(parameter, value, displayName);
        }

        return result;
    }

    private static object? Convert(KernelParameterMetadata parameter, JsonElement value, string displayName)
    {
        if (JsonText.HasUnpairedSurrogate(JsonMarshal.GetRawUtf8Value(value)))
        {
            // Reading it would throw deep in the kernel ("An error occurred"); the caller learns which argument it is.
            throw new LuminaArgumentException(
                $"The argument '{parameter.Name}' of '{displayName}' is not text: it has an escaped UTF-16 surrogate (\\uD800-\\uDFFF) without its pair{Hint(parameter)}.");
        }

        var type = parameter.ParameterType;
        if (type is null || type == typeof(string))
        {
            // Prompt template variables and string parameters take text; anything else is shown as JSON text.
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            if (type == typeof(string))
            {
                throw Mismatch(parameter, value, displayName, "a string");
            }

            return value.GetRawText();
        }

        var expected = Expected(type);
        if (expected is not null && !Matches(expected.Value, value, type))
        {
            throw Mismatch(parameter, value, displayName, Article(expected.Value));
        }

        try
        {
            return value.Deserialize(type, LuminaJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new LuminaArgumentException($"The argument '{parameter.Name}' of '{displayName}' is not valid{Hint(parameter)}.", ex);
        }
    }

    private enum JsonKind
    {
        String,
        Integer,
        Number,
        Boolean,
        Array,
        Object,
    }

    private static JsonKind? Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum || type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Uri))
        {
            return JsonKind.String;
        }

        if (type == typeof(bool))
        {
            return JsonKind.Boolean;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint)
            || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte))
        {
            return JsonKind.Integer;
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return JsonKind.Number;
        }

        if (type.IsArray || (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            && !typeof(System.Collections.IDictionary).IsAssignableFrom(type)))
        {
            return JsonKind.Array;
        }

        return type == typeof(object) || type == typeof(JsonElement) ? null : JsonKind.Object;
    }

    private static bool Matches(JsonKind expected, JsonElement value, Type type) => expected switch
    {
        JsonKind.String => value.ValueKind == JsonValueKind.String,
        JsonKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        JsonKind.Integer => value.ValueKind == JsonValueKind.Number && IsWhole(value, type),
        JsonKind.Number => value.ValueKind == JsonValueKind.Number,
        JsonKind.Array => value.ValueKind == JsonValueKind.Array,
        _ => value.ValueKind == JsonValueKind.Object,
    };

    private static bool IsWhole(JsonElement value, Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) == typeof(ulong) ? value.TryGetUInt64(out _) : value.TryGetInt64(out _);

    private static string Article(JsonKind kind) => kind switch
    {
        JsonKind.String => "a string",
        JsonKind.Integer => "an integer (within range)",
        JsonKind.Number => "a number",
        JsonKind.Boolean => "true or false",
        JsonKind.Array => "an array",
        _ => "an object",
    };

    private static LuminaArgumentException Mismatch(KernelParameterMetadata parameter, JsonElement value, string displayName, string expected) =>
        new($"The argument '{parameter.Name}' of '{displayName}' must be {expected}, not {Describe(value.ValueKind)}{Hint(parameter)}.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Describe(IReadOnlyList<KernelParameterMetadata> parameters) =>
        parameters.Count == 0 ? "(none)" : string.Join(", ", parameters.Select(p => p.IsRequired ? p.Name : p.Name + " (optional)"));

    private static string Hint(KernelParameterMetadata parameter) =>
        string.IsNullOrWhiteSpace(parameter.Description) ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({parameter.Description})");
}

/// <summary>A call whose arguments are wrong (<see cref="LuminaRefusalKind.InvalidArgument"/>); its message tells the model how to fix the call.</summary>
internal sealed class LuminaArgumentException(string message, Exception? inner = null) : LuminaRefusalException(LuminaRefusalKind.InvalidArgument, message, inner);
