using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;

namespace Lumina.Core.Search;

/// <summary>
/// Finds tools in a large catalog by what a request says: BM25 over each tool's name, title, description, parameter
/// names and parameter descriptions, the query widened with related words of tool vocabulary (ticket → issue), fused by
/// reciprocal rank with embedding similarity when an embedding generator is given. Built once per catalog; searching
/// is thread-safe.
/// </summary>
/// <remarks>
/// Names are split into words (<c>github_create_issue</c> → github create issue, camel case too), so the server prefix
/// of a federated tool is a word a query can match. The index keeps the vectors it embedded, keyed by tool name and a
/// hash of the embedded text, so each tool is embedded once per generator.
/// </remarks>
internal sealed class ToolSearchIndex
{
    private const int MaxSchemaDepth = 4;

    private readonly ToolSearchDocument[] _tools;
    private readonly string[] _texts;
    private readonly string[] _embeddingKeys;
    private readonly Dictionary<string, int> _byName;
    private readonly Bm25Index _bm25;
    private readonly ToolSearchTuning _tuning;
    private readonly Lock _embeddingsLock = new();
    private readonly Dictionary<string, float[]> _embeddings = new(StringComparer.Ordinal);
    private object? _embeddingsGenerator;

    /// <summary>Indexes the listed <paramref name="tools"/>.</summary>
    public ToolSearchIndex(IReadOnlyList<LuminaToolInfo> tools)
        : this([.. (tools ?? throw new ArgumentNullException(nameof(tools))).Select(t => ToolSearchDocument.From(t, t.Title))])
    {
    }

    /// <summary>Indexes <paramref name="tools"/>; a later tool of the same name replaces an earlier one.</summary>
    public ToolSearchIndex(IReadOnlyList<ToolSearchDocument> tools, ToolSearchTuning? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tuning = tuning ?? ToolSearchTuning.Default;
        var byName = new Dictionary<string, ToolSearchDocument>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            byName[tool.Name] = tool;
        }

        _tools = [.. byName.Values];
        _byName = _tools.Select((t, i) => (t.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _texts = [.. _tools.Select(EmbeddingText)];
        _embeddingKeys = [.. _tools.Select((t, i) => t.Name + "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_texts[i]))))];
        _bm25 = new Bm25Index([.. _tools.Select(Words)], _tuning.K1, _tuning.B);
    }

    /// <summary>The indexed tools, in the order given.</summary>
    public IReadOnlyList<ToolSearchDocument> Tools => _tools;

    /// <summary>The tool named <paramref name="name"/> (ordinal), or <see langword="null"/>.</summary>
    public ToolSearchDocument? Find(string name) => _byName.TryGetValue(name, out var i) ? _tools[i] : null;

    /// <summary>
    /// The tools that best match <paramref name="query"/> by BM25, best first (ties by name), at most
    /// <paramref name="limit"/>. A query with no indexed word (empty, or only stop words) finds nothing.
    /// </summary>
    public IReadOnlyList<ToolSearchHit> Search(string query, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        return limit <= 0 ? [] : [.. Lexical(query).Take(limit)];
    }

    /// <summary>
    /// Like <see cref="Search"/>, and when <paramref name="generator"/> is not <see langword="null"/> also ranks every
    /// tool by the cosine similarity of its embedding to the query's, fusing both rankings by reciprocal rank (the
    /// score is then the fused score). Tools are embedded on first use, in one batch, and kept.
    /// </summary>
    public async Task<IReadOnlyList<ToolSearchHit>> SearchAsync(
        string query, int limit, IEmbeddingGenerator<string, Embedding<float>>? generator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (generator is null || limit <= 0 || string.IsNullOrWhiteSpace(query) || _tools.Length == 0)
        {
            return Search(query, limit);
        }

        var vectors = await EmbedToolsAsync(generator, cancellationToken).ConfigureAwait(false);
        var queryVector = (await generator.GenerateAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false)).Vector.ToArray();
        var semantic = Enumerable.Range(0, _tools.Length)
            .Where(i => vectors[i].Length == queryVector.Length)
            .Select(i => (Index: i, Similarity: TensorPrimitives.CosineSimilarity(vectors[i], queryVector)))
            .Select(s => float.IsNaN(s.Similarity) ? (s.Index, Similarity: -1f) : s) // a zero vector has no direction
            .OrderByDescending(s => s.Similarity)
            .ThenBy(s => _tools[s.Index].Name, StringComparer.Ordinal)
            .Select(s => _tools[s.Index]);

        return [.. ReciprocalRankFusion.Fuse(t => t.Name, Lexical(query).Select(h => h.Tool), semantic)
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Item.Name, StringComparer.Ordinal)
            .Take(limit)
            .Select(f => new ToolSearchHit(f.Item, f.Score))];
    }

    /// <summary>The query's own words at weight 1, then the words related to them at the tuned weight.</summary>
    private IEnumerable<(string Term, double Weight)> WeightedQueryWords(string query)
    {
        var words = QueryWords(query).ToList();
        var related = _tuning.RelatedWeight > 0
            ? words.SelectMany(w => ToolSearchText.Related(w, _tuning)).Select(w => (w, _tuning.RelatedWeight))
            : [];
        return words.Select(w => (w, 1.0)).Concat(related);
    }

    /// <summary>The indexed words of <paramref name="text"/> as a query sees them.</summary>
    internal IEnumerable<string> QueryWords(string text) => ToolSearchText.Normalize(Bm25Index.Tokenize(text), _tuning);

    private IEnumerable<ToolSearchHit> Lexical(string query) => _bm25.Score(WeightedQueryWords(query))
        .Select(m => new ToolSearchHit(_tools[m.Document], m.Score))
        .OrderByDescending(h => h.Score)
        .ThenBy(h => h.Tool.Name, StringComparer.Ordinal);

    private List<string> Words(ToolSearchDocument tool)
    {
        var heading = ToolSearchText.Identifier(tool.Name).Concat(Bm25Index.Tokenize(tool.Title ?? string.Empty)).ToList();
        var body = new List<string>(Bm25Index.Tokenize(tool.Description));
        foreach (var (name, description) in Parameters(tool.InputSchema, 0))
        {
            body.AddRange(ToolSearchText.Identifier(name));
            if (_tuning.ParameterDescriptions && description is not null)
            {
                body.AddRange(Bm25Index.Tokenize(description));
            }
        }

        // Repeating the heading is BM25F with one shared length normalization: a word of the name or the title counts
        // NameWeight times, so "create issue" prefers github_create_issue to a tool that mentions issues in passing.
        var words = new List<string>();
        for (var i = 0; i < _tuning.NameWeight; i++)
        {
            words.AddRange(heading);
        }

        words.AddRange(body);
        return [.. ToolSearchText.Normalize(words, _tuning)];
    }

    /// <summary>The names and descriptions of the schema's properties, nested objects and array items included.</summary>
    private static IEnumerable<(string Name, string? Description)> Parameters(JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxSchemaDepth)
        {
            yield break;
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                var description = property.Value.ValueKind == JsonValueKind.Object &&
                    property.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String
                    ? d.GetString()
                    : null;
                yield return (property.Name, description);
                foreach (var nested in Parameters(property.Value, depth + 1))
                {
                    yield return nested;
                }
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            foreach (var nested in Parameters(items, depth + 1))
            {
                yield return nested;
            }
        }
    }

    private static string EmbeddingText(ToolSearchDocument tool)
    {
        var text = new StringBuilder();
        text.Append(string.Join(' ', ToolSearchText.Identifier(tool.Name)));
        if (!string.IsNullOrWhiteSpace(tool.Title))
        {
            text.Append(". ").Append(tool.Title);
        }

        text.Append(". ").Append(tool.Description);
        var parameters = Parameters(tool.InputSchema, 0).Select(p => p.Name).ToList();
        if (parameters.Count > 0)
        {
            text.Append(" Parameters: ").AppendJoin(", ", parameters).Append('.');
        }

        return text.ToString();
    }

    private async Task<float[][]> EmbedToolsAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken)
    {
        var keys = _embeddingKeys;
        List<int> missing;
        lock (_embeddingsLock)
        {
            // Vectors of different generators do not compare: another generator starts the cache afresh.
            if (!ReferenceEquals(_embeddingsGenerator, generator))
            {
                _embeddings.Clear();
                _embeddingsGenerator = generator;
            }

            missing = [.. Enumerable.Range(0, _tools.Length).Where(i => !_embeddings.ContainsKey(keys[i]))];
        }

        if (missing.Count > 0)
        {
            var generated = await generator.GenerateAsync(missing.Select(i => _texts[i]), cancellationToken: cancellationToken).ConfigureAwait(false);
            lock (_embeddingsLock)
            {
                if (ReferenceEquals(_embeddingsGenerator, generator))
                {
                    for (var j = 0; j < missing.Count && j < generated.Count; j++)
                    {
                        _embeddings[keys[missing[j]]] = generated[j].Vector.ToArray();
                    }
                }
            }

            if (generated.Count != missing.Count)
            {
                throw new InvalidOperationException($"The embedding generator returned {generated.Count} embeddings for {missing.Count} inputs.");
            }
        }

        lock (_embeddingsLock)
        {
            return [.. keys.Select((k, i) => _embeddings.TryGetValue(k, out var v) ? v : [])];
        }
    }
}
