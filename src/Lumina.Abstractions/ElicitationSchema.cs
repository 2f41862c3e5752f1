using System.Text.Json.Nodes;

namespace Lumina.Abstractions;

/// <summary>Builds the flat JSON Schema an <see cref="ElicitationRequest"/> carries.</summary>
public sealed class ElicitationSchema
{
    private readonly JsonObject _properties = [];
    private readonly JsonArray _required = [];

    /// <summary>A text field.</summary>
    public ElicitationSchema Text(string name, string? title = null, string? description = null, bool required = false, string? defaultValue = null, string? format = null)
    {
        var p = Field("string", title, description);
        if (format is not null)
        {
            p["format"] = format;
        }

        if (defaultValue is not null)
        {
            p["default"] = defaultValue;
        }

        return Add(name, p, required);
    }

    /// <summary>A whole-number field.</summary>
    public ElicitationSchema Integer(string name, string? title = null, string? description = null, bool required = false, long? defaultValue = null, long? minimum = null, long? maximum = null) =>
        Numeric(name, "integer", title, description, required, defaultValue, minimum, maximum);

    /// <summary>A number field.</summary>
    public ElicitationSchema Number(string name, string? title = null, string? description = null, bool required = false, double? defaultValue = null, double? minimum = null, double? maximum = null) =>
        Numeric(name, "number", title, description, required, defaultValue, minimum, maximum);

    /// <summary>A yes/no field.</summary>
    public ElicitationSchema Boolean(string name, string? title = null, string? description = null, bool required = false, bool? defaultValue = null)
    {
        var p = Field("boolean", title, description);
        if (defaultValue is not null)
        {
            p["default"] = defaultValue;
        }

        return Add(name, p, required);
    }

    /// <summary>One choice among values; with <paramref name="titles"/>, each value gets a display title.</summary>
    public ElicitationSchema Choice(string name, IReadOnlyList<string> values, IReadOnlyList<string>? titles = null, string? title = null, string? description = null, bool required = false, string? defaultValue = null)
    {
        var p = Field("string", title, description);
        if (titles is null)
        {
            p["enum"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]);
        }
        else
        {
            CheckTitles(values, titles);
            p["oneOf"] = new JsonArray([.. values.Select((v, i) => new JsonObject { ["const"] = v, ["title"] = titles[i] })]);
        }

        if (defaultValue is not null)
        {
            p["default"] = defaultValue;
        }

        return Add(name, p, required);
    }

    /// <summary>Any number of choices among values; with <paramref name="titles"/>, each value gets a display title.</summary>
    public ElicitationSchema MultiChoice(string name, IReadOnlyList<string> values, IReadOnlyList<string>? titles = null, string? title = null, string? description = null, bool required = false, IReadOnlyList<string>? defaultValues = null)
    {
        var p = Field("array", title, description);
        if (titles is null)
        {
            p["items"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]) };
        }
        else
        {
            CheckTitles(values, titles);
            p["items"] = new JsonObject { ["anyOf"] = new JsonArray([.. values.Select((v, i) => new JsonObject { ["const"] = v, ["title"] = titles[i] })]) };
        }

        if (defaultValues is not null)
        {
            p["default"] = new JsonArray([.. defaultValues.Select(v => JsonValue.Create(v))]);
        }

        return Add(name, p, required);
    }

    /// <summary>A field given as a raw JSON Schema (for forms the helpers above do not cover).</summary>
    public ElicitationSchema Raw(string name, JsonObject schema, bool required = false) => Add(name, schema, required);

    /// <summary>The schema built so far.</summary>
    public JsonObject Build()
    {
        var schema = new JsonObject { ["type"] = "object", ["properties"] = _properties.DeepClone() };
        if (_required.Count > 0)
        {
            schema["required"] = _required.DeepClone();
        }

        return schema;
    }

    private ElicitationSchema Numeric(string name, string type, string? title, string? description, bool required, JsonNode? defaultValue, JsonNode? minimum, JsonNode? maximum)
    {
        var p = Field(type, title, description);
        if (minimum is not null)
        {
            p["minimum"] = minimum;
        }

        if (maximum is not null)
        {
            p["maximum"] = maximum;
        }

        if (defaultValue is not null)
        {
            p["default"] = defaultValue;
        }

        return Add(name, p, required);
    }

    private static JsonObject Field(string type, string? title, string? description)
    {
        var p = new JsonObject { ["type"] = type };
        if (title is not null)
        {
            p["title"] = title;
        }

        if (description is not null)
        {
            p["description"] = description;
        }

        return p;
    }

    private static void CheckTitles(IReadOnlyList<string> values, IReadOnlyList<string> titles)
    {
        if (titles.Count != values.Count)
        {
            throw new ArgumentException("Each value needs exactly one title.", nameof(titles));
        }
    }

    private ElicitationSchema Add(string name, JsonObject property, bool required)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _properties[name] = property;
        if (required)
        {
            _required.Add(name);
        }

        return this;
    }
}
