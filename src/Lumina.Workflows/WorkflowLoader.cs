using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lumina.Workflows;

/// <summary>
/// Reads workflow files. YamlDotNet's representation model keeps every node's position, so each error names the file,
/// the line and the step; keys a workflow does not know are errors, so a misspelt <c>on_eror</c> cannot pass silently.
/// </summary>
/// <remarks>
/// The loader checks the shape of a file (keys, types, names); <see cref="WorkflowValidator"/> checks its meaning
/// (expressions, references, tools, limits). <see cref="Load(string, IWorkflowCatalog)"/> does both.
/// Durations are written <c>500ms</c>, <c>30s</c>, <c>5m</c> or <c>1h</c>, or as a number of seconds.
/// </remarks>
public static partial class WorkflowLoader
{
    private static readonly string[] s_workflowKeys = ["name", "description", "inputs", "steps", "outputs"];
    private static readonly string[] s_inputKeys = ["type", "description", "required", "default"];
    private static readonly string[] s_stepKeys = ["id", "call", "with", "when", "foreach", "concurrency", "parallel", "retry", "timeout", "on_error", "confirm", "outputs"];
    private static readonly string[] s_retryKeys = ["attempts", "backoff", "on"];
    private static readonly string[] s_backoffKeys = ["initial", "multiplier", "max"];

    /// <summary>Reads the workflow file at <paramref name="path"/>; errors name the file as <paramref name="path"/> is given.</summary>
    /// <exception cref="WorkflowValidationException">The file is not a well-formed workflow.</exception>
    public static WorkflowDefinition Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads the workflow file at <paramref name="path"/> and validates it against <paramref name="catalog"/>.</summary>
    /// <exception cref="WorkflowValidationException">The file is not a well-formed or not a valid workflow.</exception>
    public static WorkflowDefinition Load(string path, IWorkflowCatalog catalog)
    {
        var workflow = Load(path);
        WorkflowValidator.ThrowIfInvalid(workflow, catalog);
        return workflow;
    }

    /// <summary>Reads a workflow from <paramref name="yaml"/>; errors name <paramref name="sourceName"/> as the file.</summary>
    /// <exception cref="WorkflowValidationException">The text is not a well-formed workflow; every problem found is listed.</exception>
    public static WorkflowDefinition Parse(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var reader = new Reader(sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new WorkflowValidationException([new WorkflowError(sourceName, Line(e.Start), null, $"not valid YAML: {e.Message}")]);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this, without a position, when a flow collection is still open at the end.
            var end = yaml.Split('\n').Length;
            throw new WorkflowValidationException([new WorkflowError(sourceName, end, null, $"not valid YAML: the file ends inside a [list] or {{mapping}} ({e.Message})")]);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new WorkflowValidationException([new WorkflowError(sourceName, 1, null, "a workflow file holds one mapping (name, description, inputs, steps, outputs)")]);
        }

        var workflow = reader.Workflow(root);
        if (reader.Errors.Count > 0)
        {
            throw new WorkflowValidationException(reader.Errors);
        }

        return workflow;
    }

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int Line(YamlNode node) => Line(node.Start);

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> or a number of seconds; null when it is none of these.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && !(suffix == "s" && text.EndsWith("ms", StringComparison.Ordinal)))
            {
                return TimeSpan.FromSeconds(value * scale);
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>
    /// A YAML node as JSON, by the YAML 1.2 core schema: quoted scalars are strings; plain ones are null, booleans,
    /// integers or floats when they read as such, and strings otherwise.
    /// </summary>
    internal static JsonNode? Json(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[(key as YamlScalarNode)?.Value ?? key.ToString()] = Json(value);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(Json)]);
            case YamlScalarNode scalar:
                if (scalar.Style != ScalarStyle.Plain)
                {
                    return JsonValue.Create(scalar.Value ?? string.Empty);
                }

                if (IsNull(scalar))
                {
                    return null;
                }

                var text = scalar.Value!;
                return text switch
                {
                    "true" or "True" or "TRUE" => JsonValue.Create(true),
                    "false" or "False" or "FALSE" => JsonValue.Create(false),
                    _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
                    _ when FloatPattern().IsMatch(text) => JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                    _ => JsonValue.Create(text),
                };
            default:
                return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FloatPattern();
}
