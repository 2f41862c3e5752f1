using System.Text.Json;
using Lumina.Core;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Core.Telemetry;
using Lumina.Core.ToolSets;
using Lumina.Federation;
using Lumina.Mcp;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using ModelContextProtocol;

namespace Lumina.Host.Api;

/// <summary>
/// The HTTP API the console reads besides administration: <c>GET /v1/overview</c> (health and the last hour's numbers),
/// <c>GET /v1/catalog</c> and <c>POST /v1/tools/{name}</c> (what the caller may use, and a tool call, exactly as an MCP
/// client of the same caller would list and call), <c>GET /v1/servers/{name}/tools</c> (an upstream server's tools and
/// pins), <c>/v1/workflows/runs</c> (list, cancel, resume) and <c>GET /v1/toolsets</c>. Calls of kernel functions go
/// through the invoker, so every filter applies and the ledger records them.
/// </summary>
internal static class ConsoleCatalogApi
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapConsoleCatalogApi(this RouteGroupBuilder api)
    {
        api.MapGet("/overview", OverviewAsync);
        api.MapGet("/catalog", CatalogAsync);
        api.MapPost("/tools/{name}", CallToolAsync).DisableAntiforgery();
        api.MapGet("/servers/{name}/tools", (string name, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            LuminaHttpApi.InvokeAsync<IReadOnlyList<UpstreamToolState>>(context, invoker, auth, loggers, "federation", "tools", new KernelArguments { ["server"] = name }));
        api.MapGet("/workflows/runs", (bool? unfinished, int? limit, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            LuminaHttpApi.InvokeAsync<JsonElement>(context, invoker, auth, loggers, "workflows", "runs", new KernelArguments { ["unfinishedOnly"] = unfinished ?? false, ["limit"] = limit ?? 50 }));
        api.MapPost("/workflows/runs/{id}/cancel", (string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            LuminaHttpApi.InvokeAsync<JsonElement>(context, invoker, auth, loggers, "workflows", "cancel", new KernelArguments { ["run"] = id })).DisableAntiforgery();
        api.MapPost("/workflows/runs/{id}/resume", (string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            LuminaHttpApi.InvokeAsync<JsonElement>(context, invoker, auth, loggers, "workflows", "resume", new KernelArguments { ["run"] = id }, run => Results.Json(run, statusCode: 202))).DisableAntiforgery();
        api.MapGet("/toolsets", ToolSets);
    }

    /// <summary>The host's health (every check: stores, upstream servers) and its numbers since start and by minute for the last hour.</summary>
    private static async Task<IResult> OverviewAsync(HttpContext context, HealthCheckService health, LuminaMetricsWindow metrics)
    {
        var report = await health.CheckHealthAsync(context.RequestAborted).ConfigureAwait(false);
        var numbers = metrics.Snapshot();
        var totals = numbers.Totals;
        return Results.Json(
            new
            {
                version = LuminaVersion.Value,
                startedAt = numbers.StartedAt,
                health = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
                totals = new
                {
                    calls = totals.Calls,
                    errors = totals.Errors,
                    errorRate = totals.Calls == 0 ? 0 : Math.Round((double)totals.Errors / totals.Calls, 4),
                    p50Ms = totals.P50Ms,
                    p99Ms = totals.P99Ms,
                    inputTokens = totals.InputTokens,
                    outputTokens = totals.OutputTokens,
                    cost = totals.Cost,
                },
                series = numbers.Series.Select(m => new
                {
                    at = m.At,
                    calls = m.Calls,
                    errors = m.Errors,
                    p50Ms = m.P50Ms,
                    p99Ms = m.P99Ms,
                    tokens = m.InputTokens + m.OutputTokens,
                    cost = m.Cost,
                }),
            },
            s_json);
    }

    /// <summary>What the caller may use: the tools (with their schemas), prompts, resources and resource templates.</summary>
    private static async Task<IResult> CatalogAsync(HttpContext context, LuminaCatalogView view, IOptions<LuminaAuthOptions> auth)
    {
        var catalog = await view.ForAsync(LuminaHttpApi.Caller(context, auth), context.RequestAborted).ConfigureAwait(false);
        return Results.Json(
            new
            {
                tools = catalog.Tools.Select(t => new
                {
                    name = t.Tool.Name,
                    title = t.Tool.Title ?? t.Tool.Annotations?.Title,
                    description = t.Tool.Description,
                    inputSchema = t.Tool.InputSchema,
                    outputSchema = t.Tool.OutputSchema,
                    annotations = new
                    {
                        readOnly = t.Tool.Annotations?.ReadOnlyHint,
                        destructive = t.Tool.Annotations?.DestructiveHint,
                        idempotent = t.Tool.Annotations?.IdempotentHint,
                        openWorld = t.Tool.Annotations?.OpenWorldHint,
                    },
                    kind = t.Kind,
                }),
                prompts = catalog.Prompts.Select(p => new
                {
                    name = p.Name,
                    description = p.Description,
                    arguments = (p.Arguments ?? []).Select(a => new { name = a.Name, description = a.Description, required = a.Required ?? false }),
                }),
                resources = catalog.Resources.Select(r => new { uri = r.Uri, name = r.Name, description = r.Description, mimeType = r.MimeType }),
                resourceTemplates = catalog.ResourceTemplates.Select(r => new { uriTemplate = r.UriTemplate, name = r.Name, description = r.Description, mimeType = r.MimeType }),
            },
            s_json);
    }

    /// <summary>
    /// Calls a tool with the JSON object in the body as its arguments. A call that ran answers 200 with the MCP result
    /// (content, structured content, <c>isError</c> for an error the tool reported); a call that did not run answers the
    /// problem every HTTP API call answers (403, 404, 429, …).
    /// </summary>
    private static async Task<IResult> CallToolAsync(string name, HttpContext context, LuminaCatalogView view, IOptions<LuminaAuthOptions> auth)
    {
        // Parsed once and kept while the call runs: the arguments are elements of this document.
        using var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (body is { Error: { } error })
        {
            return LuminaHttpApi.Problem(400, "Bad request", error);
        }

        var arguments = body?.Document?.RootElement is { ValueKind: JsonValueKind.Object } fields
            ? fields.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal)
            : null;
        var call = await view.CallAsync(LuminaHttpApi.CallContext(context, auth), name, arguments, context.RequestAborted).ConfigureAwait(false);
        return call switch
        {
            null => LuminaHttpApi.Problem(404, "Not found", $"There is no tool '{name}': GET /v1/catalog lists the tools you may use."),
            { Result: { } result } => Results.Json(result, McpJsonUtilities.DefaultOptions),
            { Outcome: var outcome } => LuminaHttpApi.Answer(context, outcome),
        };
    }

    /// <summary>The request's body as a JSON object (or null, or no body), else why not.</summary>
    private static async Task<ParsedBody?> ReadObjectAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return new ParsedBody(null, $"The body is not JSON: {ex.Message}");
        }

        if (document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
        {
            return new ParsedBody(document, null);
        }

        var kind = document.RootElement.ValueKind.ToString().ToLowerInvariant();
        document.Dispose();
        return new ParsedBody(null, $"The body must be a JSON object of the tool's arguments, not a {kind}.");
    }

    /// <summary>The configured tool sets and the endpoint of each (administrators: a set's rules are the host's configuration).</summary>
    private static IResult ToolSets(HttpContext context, IOptions<ToolSetsOptions> sets, IOptions<LuminaAuthOptions> auth)
    {
        if (ConsoleAdministration.Refusal(LuminaHttpApi.Caller(context, auth), "console_toolsets") is { } refusal)
        {
            return LuminaHttpApi.Problem(403, "Forbidden", refusal);
        }

        return Results.Json(
            new
            {
                toolSets = sets.Value.Sets.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).Select(s => new
                {
                    name = s.Key,
                    include = s.Value.Include,
                    exclude = s.Value.Exclude,
                    rename = s.Value.Rename,
                    describe = s.Value.Describe,
                    endpoint = $"/mcp/{s.Key}",
                }),
            },
            s_json);
    }

    /// <summary>A parsed body, or why it could not be read.</summary>
    private sealed record ParsedBody(JsonDocument? Document, string? Error) : IDisposable
    {
        public void Dispose() => Document?.Dispose();
    }
}
