using System.Text.Json;

namespace Lumina.Core.Catalog;

/// <summary>A tool as the catalog meta-tools show it: enough to call it.</summary>
/// <param name="Name">The name to pass to <c>tools_call</c> (or to call directly).</param>
/// <param name="Description">What it does.</param>
/// <param name="InputSchema">The JSON schema of its arguments.</param>
/// <param name="Score">How well it matched the query (search only; higher is better).</param>
public sealed record FoundTool(string Name, string Description, JsonElement InputSchema, double? Score = null);

/// <summary>What <c>tools_search</c> returns.</summary>
/// <param name="Query">The query.</param>
/// <param name="Tools">The best matching tools the caller may call, best first.</param>
/// <param name="Total">How many tools the caller may call in all.</param>
public sealed record ToolSearchResults(string Query, IReadOnlyList<FoundTool> Tools, int Total);
