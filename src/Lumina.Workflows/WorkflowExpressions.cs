using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DevLab.JmesPath.Expressions;
using DevLab.JmesPath.Interop;
using JmesPathEngine = DevLab.JmesPath.JmesPath;

namespace Lumina.Workflows;

/// <summary>
/// The expression language of workflow files: JMESPath over the run's context
/// <c>{ "inputs": {…}, "steps": { "&lt;id&gt;": { "result": …, "outputs": {…} } }, "item": …, "index": n }</c>.
/// </summary>
/// <remarks>
/// <para>
/// Why JMESPath: it is a specification with a compliance suite and implementations in many languages (the AWS CLI's
/// and the Azure CLI's <c>--query</c> use it), so authors may already know it and the files are not tied to .NET; it
/// works on JSON, which is what tool results are; and it only selects and reshapes data — it cannot run code, call
/// tools or read anything outside the context it is given, which matters for files that run with a caller's rights.
/// JmesPath.Net parses an expression to an abstract syntax tree, which <see cref="References"/> walks.
/// </para>
/// <para>
/// Templates: a string that is exactly <c>${{ expr }}</c> evaluates to the expression's JSON value (an array stays
/// an array); a string with embedded <c>${{ expr }}</c> parts is text, each part replaced by its value (strings as
/// they are, null as nothing, anything else as compact JSON); any other string is a literal. A <c>when</c> or
/// <c>foreach</c> is bare JMESPath, without <c>${{ }}</c>.
/// </para>
/// </remarks>
public static class WorkflowExpressions
{
    private const string Open = "${{";
    private const string Close = "}}";

    /// <summary>Whether <paramref name="text"/> contains a <c>${{</c> part (well formed or not).</summary>
    public static bool IsTemplate(string text) => text.Contains(Open, StringComparison.Ordinal);

    /// <summary>Evaluates a template (see the remarks of <see cref="WorkflowExpressions"/>) against <paramref name="context"/>.</summary>
    /// <exception cref="WorkflowExpressionException">A part is not closed or is not valid JMESPath.</exception>
    public static JsonNode? Evaluate(string template, JsonNode context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        var parts = Split(template);
        if (parts.Count == 1 && parts[0].IsExpression)
        {
            return Query(parts[0].Text, context);
        }

        if (parts.All(p => !p.IsExpression))
        {
            return JsonValue.Create(template);
        }

        var json = context.ToJsonString();
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(part.IsExpression ? AsText(QueryJson(part.Text, json)) : part.Text);
        }

        return JsonValue.Create(text.ToString());
    }

    /// <summary>Resolves every template in <paramref name="value"/> (a step's argument), keeping the rest as it is.</summary>
    /// <exception cref="WorkflowExpressionException">A template is not valid.</exception>
    public static JsonNode? Resolve(JsonNode? value, JsonNode context) => value switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, context)))),
        JsonArray array => new JsonArray([.. array.Select(v => Resolve(v, context))]),
        JsonValue v when v.TryGetValue<string>(out var text) && IsTemplate(text) => Evaluate(text, context),
        _ => value?.DeepClone(),
    };

    /// <summary>Evaluates a bare JMESPath expression against <paramref name="context"/>.</summary>
    /// <exception cref="WorkflowExpressionException">The expression is not valid JMESPath.</exception>
    public static JsonNode? Query(string expression, JsonNode context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return QueryJson(expression, context.ToJsonString());
    }

    /// <summary>JMESPath truthiness: null, false, "", [] and {} are false; everything else (0 included) is true.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        _ => true,
    };

    /// <summary>Evaluates a <c>when</c> (bare JMESPath) and applies <see cref="IsTruthy"/>.</summary>
    public static bool IsTrue(string expression, JsonNode context) => IsTruthy(Query(expression, context));

    /// <summary>The JMESPath expressions of a template's <c>${{ … }}</c> parts, in order.</summary>
    /// <exception cref="WorkflowExpressionException">A <c>${{</c> is not closed, or a part is empty.</exception>
    public static IReadOnlyList<string> Parts(string template) =>
        [.. Split(template).Where(p => p.IsExpression).Select(p => p.Text)];

    /// <summary>Checks that <paramref name="expression"/> is valid JMESPath.</summary>
    /// <exception cref="WorkflowExpressionException">It is not, with the parser's reason.</exception>
    public static void Check(string expression) => _ = Parse(expression);

    /// <summary>
    /// The inputs and steps a template reads: every <c>inputs.&lt;name&gt;</c> and <c>steps.&lt;id&gt;</c> in its parts,
    /// found on the JMESPath syntax tree (an identifier <c>inputs</c> or <c>steps</c> followed by a field), in order,
    /// without duplicates.
    /// </summary>
    /// <remarks>
    /// A path is reported wherever it appears, also inside a filter or projection where JMESPath would resolve it
    /// against the current element rather than the root: in a workflow file such a name is nearly always meant as the
    /// root's, and reporting it errs on the side of a reported typo.
    /// </remarks>
    /// <exception cref="WorkflowExpressionException">A part is not valid JMESPath.</exception>
    public static IReadOnlyList<WorkflowReference> References(string template) =>
        [.. Parts(template).SelectMany(QueryReferences).Distinct()];

    /// <summary>As <see cref="References"/>, for a bare JMESPath expression (a <c>when</c> or <c>foreach</c>).</summary>
    /// <exception cref="WorkflowExpressionException">The expression is not valid JMESPath.</exception>
    public static IReadOnlyList<WorkflowReference> QueryReferences(string expression)
    {
        var nodes = new PreOrder();
        Parse(expression).Accept(nodes);

        // Pre-order puts a sub-expression's left operand right after it and, when that operand is a single identifier,
        // the root of its right operand right after that: "inputs.a.b" is Sub(Sub(inputs, a), b), visited as
        // Sub, Sub, inputs, a, b.
        var found = new List<WorkflowReference>();
        var list = nodes.Nodes;
        for (var i = 0; i + 2 < list.Count; i++)
        {
            if (list[i] is JmesPathSubExpression && list[i + 1] is JmesPathIdentifier root && list[i + 2] is JmesPathIdentifier field)
            {
                WorkflowReferenceKind? kind = root.Name switch
                {
                    "inputs" => WorkflowReferenceKind.Input,
                    "steps" => WorkflowReferenceKind.Step,
                    _ => null,
                };
                if (kind is { } k)
                {
                    found.Add(new WorkflowReference(k, field.Name));
                }
            }
        }

        return [.. found.Distinct()];
    }

    private static JsonNode? QueryJson(string expression, string contextJson)
    {
        string result;
        try
        {
            _ = Parse(expression);
            result = new JmesPathEngine().Transform(contextJson, expression);
        }
        catch (Exception e) when (e is not WorkflowExpressionException and not OutOfMemoryException)
        {
            // JmesPath.Net reports run-time errors (a function given the wrong type) as plain exceptions.
            throw new WorkflowExpressionException(string.Create(CultureInfo.InvariantCulture, $"'{expression}' failed: {e.Message}"), e);
        }

        return result is null ? null : JsonNode.Parse(result);
    }

    private static JmesPathExpression Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new WorkflowExpressionException("The expression is empty.");
        }

        try
        {
            // A new engine per parse: the engine keeps scope state for let-expressions, so one instance is not shared
            // between threads.
            return new JmesPathEngine().Parse(expression);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WorkflowExpressionException(string.Create(CultureInfo.InvariantCulture, $"'{expression}' is not valid JMESPath: {e.Message}"), e);
        }
    }

    private static string AsText(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static List<Part> Split(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new List<Part>();
        var text = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf(Open, i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(template, i, template.Length - i);
                break;
            }

            text.Append(template, i, open - i);
            var start = open + Open.Length;
            var end = FindClose(template, start);
            if (end < 0)
            {
                throw new WorkflowExpressionException(string.Create(CultureInfo.InvariantCulture, $"'${{{{' at character {open + 1} is not closed with '}}}}'."));
            }

            var expression = template[start..end].Trim();
            if (expression.Length == 0)
            {
                throw new WorkflowExpressionException(string.Create(CultureInfo.InvariantCulture, $"'${{{{ }}}}' at character {open + 1} is empty."));
            }

            if (text.Length > 0)
            {
                parts.Add(new Part(text.ToString(), false));
                text.Clear();
            }

            parts.Add(new Part(expression, true));
            i = end + Close.Length;
        }

        if (text.Length > 0 || parts.Count == 0)
        {
            parts.Add(new Part(text.ToString(), false));
        }

        return parts;
    }

    // The '}}' that closes a part, skipping JMESPath strings ('raw', "quoted", `literal`) and balanced braces of
    // multi-select hashes, so "${{ {a: b} }}" closes at the end.
    private static int FindClose(string template, int start)
    {
        var depth = 0;
        char? quote = null;
        for (var i = start; i < template.Length; i++)
        {
            var c = template[i];
            if (quote is { } q)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == q)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"' or '`':
                    quote = c;
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
                case '}' when i + 1 < template.Length && template[i + 1] == '}':
                    return i;
            }
        }

        return -1;
    }

    private readonly record struct Part(string Text, bool IsExpression);

    private sealed class PreOrder : IVisitor
    {
        public List<JmesPathExpression> Nodes { get; } = [];

        public void Visit(JmesPathExpression expression) => Nodes.Add(expression);
    }
}
