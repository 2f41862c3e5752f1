using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Core.Telemetry;
using Lumina.Core.Tools;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Policy;

/// <summary>
/// The policy guard as a kernel filter: argument caps, per-caller rate limits, confirmation of destructive calls, and
/// caps on results — for every invocation, in-process and the tool calls the model makes during <c>ask</c> included.
/// </summary>
/// <remarks>
/// It runs inside authorization (a caller without permission never costs a token or a question to the user) and outside
/// the memory filter. A call made while another is running on the same async flow — a tool the model calls during
/// <c>ask</c> — is an inner call: it takes no token of its own (the outer call took one), but is still capped and still
/// needs confirmation; its result is always truncated rather than linked, since the model cannot read resources.
/// </remarks>
internal sealed partial class PolicyFilter(
    IOptionsMonitor<PolicyOptions> options,
    IRateLimitStore rateLimits,
    PolicyResultStore results,
    ILuminaCallContextAccessor context,
    LuminaTelemetry telemetry,
    ILogger<PolicyFilter> logger) : IFunctionInvocationFilter
{
    private const int SummaryValueChars = 60;
    private const int SummaryChars = 200;

    private static readonly AsyncLocal<bool> s_inCall = new();

    private readonly ILogger _logger = logger;

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var settings = options.CurrentValue;
        var call = context.Current;
        var function = invocation.Function;
        var inner = s_inCall.Value;
        var tool = FunctionNames.Served(function);

        if (settings.MaxArgumentBytes > 0 && ArgumentBytes(invocation.Arguments, settings.MaxArgumentBytes) is { } size)
        {
            throw Refuse("argument_too_large", LuminaRefusalKind.TooLarge, call.Caller, tool,
                $"Forbidden: the arguments of {tool} are larger than {Size(settings.MaxArgumentBytes)} ({Size(size)} or more; Lumina:Policy:MaxArgumentBytes). Nothing was done.");
        }

        // In-process callers are the host's own program: limits are for clients.
        if (!inner && settings.RateLimit.Enabled && call.Caller.Transport != LuminaTransport.InProcess)
        {
            var wait = await rateLimits.TryTakeAsync(call.Caller.Id, settings.RateLimit, invocation.CancellationToken).ConfigureAwait(false);
            if (wait > TimeSpan.Zero)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                throw Refuse("rate_limited", LuminaRefusalKind.Limit, call.Caller, tool,
                    $"Forbidden: rate limit reached for '{call.Caller.Id}' ({settings.RateLimit.PermitsPerMinute} calls a minute, bursts of {settings.RateLimit.Burst}); retry in {seconds} s.",
                    TimeSpan.FromSeconds(seconds));
            }
        }

        if (ToolRisks.Of(function, settings.Risk) == ToolRisk.Destructive && !settings.AllowDestructiveWithoutConfirmation && !LuminaConfirmations.IsConfirmed(tool))
        {
            await ConfirmAsync(call, tool, invocation).ConfigureAwait(false);
        }

        s_inCall.Value = true;
        try
        {
            await next(invocation).ConfigureAwait(false);
        }
        finally
        {
            s_inCall.Value = inner;
        }

        if (settings.MaxResultBytes > 0 && function.UnderlyingMethod?.DeclaringType != typeof(PolicyPlugin))
        {
            CapResult(invocation, settings, call.Caller.Id, keep: settings.KeepsOversizeResults && !inner && !ServedAsContent(function));
        }
    }

    private async Task ConfirmAsync(ILuminaCallContext call, string tool, FunctionInvocationContext invocation)
    {
        var cannot = $"Declined: {tool} is destructive and needs the user's confirmation, but this client cannot ask its user (no elicitation support). Nothing was done. An administrator can allow destructive calls without confirmation with Lumina:Policy:AllowDestructiveWithoutConfirmation=true.";
        if (!call.Client.CanElicit)
        {
            throw Refuse("cannot_confirm", LuminaRefusalKind.ConfirmationDeclined, call.Caller, tool, cannot);
        }

        var title = LuminaDescribed.Of(invocation.Function)?.Tool.Title
            ?? invocation.Function.UnderlyingMethod?.GetCustomAttributes(typeof(LuminaToolAttribute), inherit: false).OfType<LuminaToolAttribute>().FirstOrDefault()?.Title;
        var summary = Summary(invocation.Arguments);
        var question = $"{title ?? tool}{(summary.Length > 0 ? $" ({summary})" : string.Empty)}? {tool} may delete or overwrite data.";
        var schema = new ElicitationSchema().Boolean("confirm", title: "Go ahead", description: $"Run {tool}", required: true, defaultValue: false).Build();
        ElicitationResult answer;
        try
        {
            answer = await call.ElicitAsync(new ElicitationRequest(question, schema), invocation.CancellationToken).ConfigureAwait(false);
        }
        catch (LuminaClientCapabilityException)
        {
            throw Refuse("cannot_confirm", LuminaRefusalKind.ConfirmationDeclined, call.Caller, tool, cannot);
        }

        var confirmed = answer.IsAccepted
            && answer.Content is { } content
            && content.TryGetValue("confirm", out var value)
            && (value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var parsed) && parsed));
        if (!confirmed)
        {
            var what = answer.Action == ElicitationAction.Cancel ? "cancelled" : "declined";
            throw Refuse("declined", LuminaRefusalKind.ConfirmationDeclined, call.Caller, tool, $"Declined: the user {what} {tool}; nothing was done.");
        }
    }

    private void CapResult(FunctionInvocationContext invocation, PolicyOptions settings, string callerId, bool keep)
    {
        var value = invocation.Result.GetValue<object>();
        var text = value switch
        {
            null => null,
            string s => s,
            // Rich content (text, images, links) is the plugin's own shaping and is left as it is.
            LuminaContent or LuminaResult or IEnumerable<LuminaContent> or KernelContent or IEnumerable<KernelContent> or byte[] or ReadOnlyMemory<byte> => null,
            _ => Serialize(value),
        };
        if (text is null)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes <= settings.MaxResultBytes)
        {
            return;
        }

        var tool = FunctionNames.Served(invocation.Function);
        telemetry.PolicyOversizeResults.Add(1, new KeyValuePair<string, object?>("lumina.policy.action", keep ? "resource" : "truncate"));
        if (keep)
        {
            var uri = results.Keep(callerId, text);
            LogKept(tool, bytes, uri);
            var note = $"[kept as a resource: {Size(bytes)} is more than {Size(settings.MaxResultBytes)}; read {uri} within {settings.ResultRetention.TotalMinutes:0.#} minutes]";
            invocation.Result = Capped(invocation, LuminaResult.Of(
                LuminaContent.Text(note),
                LuminaContent.Link(uri, $"{tool} result", "text/plain", $"The full result of {tool} ({Size(bytes)})")),
                new CappedResult(bytes, settings.MaxResultBytes, note, uri, settings.ResultRetention));
            return;
        }

        LogTruncated(tool, bytes, settings.MaxResultBytes);
        var truncated = $"{Prefix(text, settings.MaxResultBytes)}\n[truncated: {Size(bytes)}, showing the first {Size(settings.MaxResultBytes)}]";
        invocation.Result = Capped(invocation, truncated, new CappedResult(bytes, settings.MaxResultBytes, truncated, Uri: null, Retention: null));
    }

    /// <summary>
    /// The capped result: <paramref name="value"/> (no longer the function's own type) with <paramref name="cap"/> in its
    /// metadata, beside what the function's result carried, so typed readers can tell (<see cref="CappedResult.Of"/>).
    /// </summary>
    private static FunctionResult Capped(FunctionInvocationContext invocation, object value, CappedResult cap)
    {
        var metadata = invocation.Result.Metadata is { } original ? new Dictionary<string, object?>(original) : [];
        metadata[CappedResult.MetadataKey] = cap;
        return new FunctionResult(invocation.Function, value, invocation.Result.Culture, metadata);
    }

    /// <summary>
    /// Whether the function is served as a prompt or a resource: what it returns becomes prompt messages or resource
    /// contents, which a note with a link is not, so its oversize result is always truncated (text every reader takes).
    /// </summary>
    private static bool ServedAsContent(KernelFunction function) =>
        function.UnderlyingMethod is { } method
        && (method.IsDefined(typeof(LuminaPromptAttribute), inherit: false) || method.IsDefined(typeof(LuminaResourceAttribute), inherit: false));

    private LuminaPolicyException Refuse(string reason, LuminaRefusalKind kind, LuminaCaller caller, string tool, string message, TimeSpan? retryAfter = null)
    {
        LogRefused(caller.Id, tool, reason);
        telemetry.PolicyRefusals.Add(1, new("reason", reason), new("lumina.function", tool));
        return new LuminaPolicyException(reason, kind, message) { RetryAfter = retryAfter };
    }

    /// <summary>The JSON size of the arguments, counted only as far as <paramref name="max"/>: null when within it.</summary>
    internal static long? ArgumentBytes(KernelArguments arguments, int max)
    {
        using var counter = new CountingStream(max);
        try
        {
            // Unescaped, so the count is of UTF-8 bytes as most clients send them, not of \u escapes.
            using var writer = new Utf8JsonWriter(counter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case JsonElement element:
                        element.WriteTo(writer);
                        break;
                    case string text:
                        writer.WriteStringValue(text);
                        break;
                    default:
                        WriteOther(writer, value);
                        break;
                }

                writer.Flush();
            }

            writer.WriteEndObject();
            writer.Flush();
        }
        catch (CountingStream.FullException)
        {
            return counter.Count;
        }

        return null;
    }

    private static void WriteOther(Utf8JsonWriter writer, object value)
    {
        try
        {
            JsonSerializer.Serialize(writer, value, value.GetType(), LuminaJson.Options);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            // Something the kernel passes along that is not data (a service, a delegate): its text stands for its size.
            writer.WriteStringValue(value.ToString());
        }
    }

    private static string Serialize(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), LuminaJson.Options);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value.ToString() ?? string.Empty;
        }
    }

    /// <summary>A short summary of the arguments for the confirmation question: <c>name=value</c>, each shortened.</summary>
    internal static string Summary(KernelArguments arguments)
    {
        var parts = new List<string>();
        foreach (var (name, value) in arguments)
        {
            var text = value switch
            {
                null => "null",
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
                JsonElement e => e.GetRawText(),
                string s => s,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.GetType().Name,
            };
            text = text.ReplaceLineEndings(" ");
            parts.Add($"{name}={(text.Length > SummaryValueChars ? string.Concat(text.AsSpan(0, SummaryValueChars), "…") : text)}");
        }

        var summary = string.Join(", ", parts);
        return summary.Length > SummaryChars ? string.Concat(summary.AsSpan(0, SummaryChars), "…") : summary;
    }

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    internal static string Prefix(string text, int maxBytes)
    {
        var bytes = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }

            end += rune.Utf16SequenceLength;
        }

        return text[..end];
    }

    /// <summary>A size for people: bytes, KB or MB (decimal, one digit).</summary>
    internal static string Size(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} bytes",
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1000d:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_000_000d:0.#} MB"),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy refused {Caller} calling {Tool}: {Reason}.")]
    private partial void LogRefused(string caller, string tool, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The result of {Tool} ({Bytes} bytes) was truncated to {Max} bytes.")]
    private partial void LogTruncated(string tool, long bytes, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "The result of {Tool} ({Bytes} bytes) was kept as {Uri}.")]
    private partial void LogKept(string tool, long bytes, string uri);

    /// <summary>A stream that only counts, and stops the writer once past its limit.</summary>
    private sealed class CountingStream(long limit) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count += buffer.Length;
            if (Count > limit)
            {
                throw new FullException();
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        internal sealed class FullException : Exception;
    }
}
