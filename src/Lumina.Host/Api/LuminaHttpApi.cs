using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Invocation;
using Lumina.Providers.Orchestration;
using Lumina.Core.Policy;
using Lumina.Providers;
using Lumina.Host.Auth;
using Lumina.Mcp;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Host.Api;

/// <summary>
/// The HTTP API beside MCP: <c>POST /v1/message</c> runs <c>ask</c> for the caller, <c>GET /v1/providers</c> shows the
/// providers, <c>GET /v1/results/{id}</c> reads a result the policy guard kept because it was too large,
/// <c>GET /v1/servers</c> and <c>POST /v1/servers/{name}/approve[?tool=]</c> show upstream MCP servers and approve a
/// quarantined tool (admins), <c>GET /readyz</c> says whether the store answers. Calls go through the kernel, so authorization, policy, audit and
/// memory apply exactly as they do over MCP. The web console's endpoints are mapped here too: <see cref="ConsoleAdminApi"/>
/// (<c>/v1/me</c>, <c>/v1/admin/…</c>), <see cref="ConsoleAuditApi"/> (<c>/v1/audit…</c>), <see cref="ConsoleMemoryApi"/> (<c>/v1/memory/…</c>)
/// and <see cref="ConsoleCatalogApi"/> (overview, catalog, tool calls, workflow runs, tool sets).
/// </summary>
/// <remarks>
/// A result over <c>Lumina:Policy:MaxResultBytes</c> is not the function's own type any more (the policy guard cut it
/// or kept it): it is answered as <c>{"capped": {...}, "text": ...}</c> with a <c>Lumina-Result-Capped</c> header,
/// never read as the type it no longer is.
/// </remarks>
internal static partial class LuminaHttpApi
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapLuminaHttpApi(this WebApplication app)
    {
        var api = app.MapGroup("/v1").RequireAuthorization(HttpAuthentication.Policy);
        api.MapPost("/message", MessageAsync).DisableAntiforgery();
        api.MapGet("/providers", ProvidersAsync);
        api.MapGet("/results/{id}", KeptResultAsync);
        api.MapGet("/servers", (HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            InvokeAsync<IReadOnlyList<LuminaServerDescription>>(context, invoker, auth, loggers, "federation", "servers", []));
        api.MapPost("/servers/{name}/approve", (string name, string? tool, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
            InvokeAsync<IReadOnlyList<Lumina.Federation.UpstreamToolState>>(context, invoker, auth, loggers, "federation", "approve", new KernelArguments { ["server"] = name, ["tool"] = tool }))
            .DisableAntiforgery();
        api.MapConsoleCatalogApi();
        api.MapConsoleAdminApi();
        api.MapConsoleAuditApi();
        api.MapConsoleMemoryApi();
        app.MapGet("/readyz", ReadyAsync).AllowAnonymous();
    }

    private static async Task<IResult> MessageAsync(HttpContext context, LuminaInvoker invoker, ProviderRouter router, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers)
    {
        MessageRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<MessageRequest>(context.Request.Body, s_json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problem(400, "Bad request", $"The body is not a JSON message request: {ex.Message}");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Message))
        {
            return Problem(400, "Bad request", "'message' is missing or empty: send {\"message\": \"...\"}.");
        }

        if (request.MaxSteps is < 1 or > 32)
        {
            return Problem(400, "Bad request", $"'maxSteps' must be between 1 and 32, not {request.MaxSteps}.");
        }

        if (request.Provider is { Length: > 0 } provider
            && !router.Providers.Any(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Options.Model, provider, StringComparison.OrdinalIgnoreCase)))
        {
            return Problem(400, "Bad request", $"No provider is named '{provider}' or serves that model. Configured: {string.Join(", ", router.Providers.Select(p => p.Name))}.");
        }

        var arguments = new KernelArguments { ["message"] = request.Message };
        if (request.ConversationId is not null)
        {
            arguments["conversationId"] = request.ConversationId;
        }

        if (request.Provider is not null)
        {
            arguments["provider"] = request.Provider;
        }

        if (request.MaxSteps is { } steps)
        {
            arguments["maxSteps"] = steps;
        }

        return await InvokeAsync<AskResult>(context, invoker, auth, loggers, OrchestrationPlugin.PluginName, "ask", arguments).ConfigureAwait(false);
    }

    private static Task<IResult> ProvidersAsync(HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
        InvokeAsync<ProvidersReport>(context, invoker, auth, loggers, "providers", "providers", []);

    private static Task<IResult> KeptResultAsync(string id, HttpContext context, LuminaInvoker invoker, IOptions<LuminaAuthOptions> auth, ILoggerFactory loggers) =>
        InvokeAsync<string>(context, invoker, auth, loggers, "policy", "result", new KernelArguments { ["id"] = id }, text => Results.Text(text, "text/plain; charset=utf-8"));

    /// <summary>Whether every store answers now (the store backend's checks, tag <c>ready</c>): a load balancer stops sending work to a host whose store is gone.</summary>
    private static async Task<IResult> ReadyAsync(HttpContext context, HealthCheckService health)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), context.RequestAborted).ConfigureAwait(false);
        if (report.Status == HealthStatus.Healthy)
        {
            return Results.Json(new { status = "ready" });
        }

        var failed = report.Entries.OrderBy(e => e.Value.Status).First(e => e.Value.Status != HealthStatus.Healthy);
        if (report.Status == HealthStatus.Degraded)
        {
            // Something optional is failing (an upstream server): the host serves, and says what is missing.
            return Results.Json(new { status = "degraded", reason = failed.Value.Description });
        }

        var reason = failed.Value.Description ?? $"The {failed.Key} store did not answer in time.";
        return Results.Json(new { status = "unavailable", reason }, statusCode: 503);
    }

    /// <summary>Runs a kernel function for the HTTP caller through the invoker, and answers its outcome.</summary>
    internal static async Task<IResult> InvokeAsync<T>(
        HttpContext context,
        LuminaInvoker invoker,
        IOptions<LuminaAuthOptions> auth,
        ILoggerFactory loggers,
        string plugin,
        string name,
        KernelArguments arguments,
        Func<T, IResult>? answer = null)
    {
        var outcome = await invoker.InvokeAsync(CallContext(context, auth), plugin, name, arguments, context.RequestAborted).ConfigureAwait(false);
        if (outcome is not InvocationSucceeded { Result: var result })
        {
            return Answer(context, outcome);
        }

        if (CappedResult.Of(result) is { } cap)
        {
            return Capped(context, cap);
        }

        if (result.GetValue<object>() is not T value)
        {
            LogUnexpectedResult(loggers.CreateLogger(typeof(LuminaHttpApi)), outcome.Name, result.ValueType?.FullName ?? "null", typeof(T).FullName!);
            return Problem(500, "Internal error", $"{outcome.Name} returned something other than its result; the details are in the server's log.");
        }

        return answer is null ? Results.Json(value, s_json) : answer(value);
    }

    /// <summary>The HTTP API's caller: only an authenticated caller or, when it is allowed, an anonymous one gets past the endpoints' policy.</summary>
    internal static LuminaCaller Caller(HttpContext context, IOptions<LuminaAuthOptions> auth) =>
        LuminaClaims.Caller(context.User)
        ?? new LuminaCaller(LuminaCaller.AnonymousId, LuminaCaller.AnonymousId, auth.Value.AnonymousRole ?? "none", LuminaTransport.Http, IsAuthenticated: false);

    /// <summary>A call made for the HTTP API's caller: no client to ask, sample or list roots of.</summary>
    internal static LuminaCallContext CallContext(HttpContext context, IOptions<LuminaAuthOptions> auth) =>
        new(Caller(context, auth), new LuminaClientInfo("http-api", null, CanSample: false, CanElicit: false, CanListRoots: false));

    /// <summary>
    /// The one translation of a call that did not succeed into an HTTP problem. A spent budget is 429, as a rate limit:
    /// both pass with time (the Retry-After says when, where known), and 402 has no agreed meaning for clients.
    /// A declined confirmation is 403: the HTTP API cannot ask its user, so the refusal is final for this request.
    /// </summary>
    internal static IResult Answer(HttpContext context, InvocationOutcome outcome)
    {
        if (outcome is InvocationFailed failed)
        {
            return Results.Problem(failed.Message, statusCode: 500, title: "Internal error", extensions: new Dictionary<string, object?> { ["reference"] = failed.ReferenceId });
        }

        if (outcome is not InvocationRefused refused)
        {
            // Only a stateless MCP request asks for input mid-call; the HTTP API's context reaches no client.
            throw new InvalidOperationException($"The HTTP API cannot answer {outcome.GetType().Name}.");
        }

        if (refused.RetryAfter is { } wait && wait > TimeSpan.Zero && refused.Kind is LuminaRefusalKind.Limit or LuminaRefusalKind.Budget)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return refused.Kind switch
        {
            LuminaRefusalKind.Forbidden => Problem(403, "Forbidden", refused.Message),
            LuminaRefusalKind.ConfirmationDeclined => Problem(403, "Not confirmed", refused.Message),
            LuminaRefusalKind.Limit or LuminaRefusalKind.Budget => Problem(429, "Too many requests", refused.Message),
            LuminaRefusalKind.NotFound => Problem(404, "Not found", refused.Message),
            LuminaRefusalKind.TooLarge => Problem(413, "Arguments too large", refused.Message),
            LuminaRefusalKind.Unavailable => Problem(502, "Unavailable", refused.Message),
            _ => Problem(400, "Bad request", refused.Message),
        };
    }

    /// <summary>
    /// A result the policy guard capped: 200 (the call ran, and was billed), its text as the caller may have it, what was
    /// done, and for a kept result where to read the whole of it.
    /// </summary>
    private static IResult Capped(HttpContext context, CappedResult cap)
    {
        context.Response.Headers["Lumina-Result-Capped"] = cap.Action;
        return Results.Json(
            new CappedAnswer(
                new CapInfo(cap.Action, cap.Bytes, cap.MaxBytes, cap.Uri, cap.Id is { } id ? $"/v1/results/{id}" : null, cap.Retention is { } r ? (int)Math.Ceiling(r.TotalSeconds) : null),
                cap.Text),
            s_json);
    }

    internal static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    [LoggerMessage(Level = LogLevel.Error, Message = "The HTTP API call of {Function} returned a {Type}, not a {Expected}.")]
    private static partial void LogUnexpectedResult(ILogger logger, string function, string type, string expected);

    /// <summary>The answer for a capped result.</summary>
    private sealed record CappedAnswer(
        [property: JsonPropertyName("capped")] CapInfo Capped,
        [property: JsonPropertyName("text")] string Text);

    /// <summary>What the policy guard did to a result.</summary>
    private sealed record CapInfo(
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("maxBytes")] int MaxBytes,
        [property: JsonPropertyName("resource"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Resource,
        [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
        [property: JsonPropertyName("retentionSeconds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetentionSeconds);

    /// <summary>The body of <c>POST /v1/message</c>.</summary>
    private sealed record MessageRequest(
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("conversationId")] string? ConversationId,
        [property: JsonPropertyName("provider")] string? Provider,
        [property: JsonPropertyName("maxSteps")] int? MaxSteps);
}
