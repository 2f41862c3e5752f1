using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Conformance.Plugin;

/// <summary>
/// The tools, resources and prompts the official MCP conformance suite expects, built with Lumina.Abstractions only:
/// proof that an ordinary plugin reaches every MCP feature (rich content, logging, progress, sampling, elicitation,
/// SSE polling, resources, templates, subscriptions, prompts, completion).
/// </summary>
[LuminaPlugin("conformance", Description = "Fixtures of the official MCP conformance suite.")]
public sealed class ConformancePlugin(
    ILuminaCallContextAccessor context,
    ILuminaResourceNotifier notifier,
    TimeProvider time,
    ILogger<ConformancePlugin> logger)
{
    private const string WatchedResource = "test://watched-resource";

    [KernelFunction("simple_text"), Description("Returns a simple text response.")]
    [LuminaTool(Name = "test_simple_text", ReadOnly = true, Idempotent = true)]
    public string SimpleText() => "This is a simple text response for testing.";

    [KernelFunction("image_content"), Description("Returns a small PNG image.")]
    [LuminaTool(Name = "test_image_content", ReadOnly = true, Idempotent = true)]
    public LuminaContent ImageContent() => LuminaContent.Image(TestMedia.Png, "image/png");

    [KernelFunction("audio_content"), Description("Returns a short WAV sound.")]
    [LuminaTool(Name = "test_audio_content", ReadOnly = true, Idempotent = true)]
    public LuminaContent AudioContent() => LuminaContent.Audio(TestMedia.Wav, "audio/wav");

    [KernelFunction("embedded_resource"), Description("Returns an embedded text resource.")]
    [LuminaTool(Name = "test_embedded_resource", ReadOnly = true, Idempotent = true)]
    public LuminaContent EmbeddedResource() =>
        LuminaContent.Resource("test://embedded-resource", "This is an embedded resource content.", "text/plain");

    [KernelFunction("multiple_content_types"), Description("Returns text, an image and an embedded resource.")]
    [LuminaTool(Name = "test_multiple_content_types", ReadOnly = true, Idempotent = true)]
    public LuminaResult MultipleContentTypes() => LuminaResult.Of(
        LuminaContent.Text("Multiple content types test:"),
        LuminaContent.Image(TestMedia.Png, "image/png"),
        LuminaContent.Resource("test://mixed-content-resource", """{"test":"data","value":123}""", "application/json"));

    [KernelFunction("tool_with_logging"), Description("Sends three log messages to the client while it runs.")]
    [LuminaTool(Name = "test_tool_with_logging", ReadOnly = true)]
    public async Task<string> ToolWithLoggingAsync(CancellationToken cancellationToken)
    {
        var call = context.Current;
        await call.LogAsync(LuminaLogLevel.Info, "Tool execution started", cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        await call.LogAsync(LuminaLogLevel.Info, "Tool processing data", cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        await call.LogAsync(LuminaLogLevel.Info, "Tool execution completed", cancellationToken).ConfigureAwait(false);
        return "Tool with logging executed successfully";
    }

    [KernelFunction("error_handling"), Description("Always fails, to test error reporting.")]
    [LuminaTool(Name = "test_error_handling", ReadOnly = true, Idempotent = true)]
    public string ErrorHandling() => throw new LuminaException("This tool intentionally returns an error for testing");

    [KernelFunction("tool_with_progress"), Description("Reports progress 0, 50 and 100 of 100 while it runs.")]
    [LuminaTool(Name = "test_tool_with_progress", ReadOnly = true)]
    public async Task<string> ToolWithProgressAsync(CancellationToken cancellationToken)
    {
        var call = context.Current;
        await call.ReportProgressAsync(0, 100, "started", cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        await call.ReportProgressAsync(50, 100, "halfway", cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        await call.ReportProgressAsync(100, 100, "done", cancellationToken).ConfigureAwait(false);
        return "Tool with progress executed successfully";
    }

    [KernelFunction("sampling"), Description("Asks the client's model to answer a prompt.")]
    [LuminaTool(Name = "test_sampling", ReadOnly = true, OpenWorld = true)]
    public async Task<string> SamplingAsync([Description("The prompt to send to the model.")] string prompt, CancellationToken cancellationToken)
    {
        var response = await context.Current.SampleAsync(
            [new ChatMessage(ChatRole.User, prompt)], new ChatOptions { MaxOutputTokens = 100 }, cancellationToken).ConfigureAwait(false);
        return $"LLM response: {response.Text}";
    }

    [KernelFunction("elicitation"), Description("Asks the user for a username and an email address.")]
    [LuminaTool(Name = "test_elicitation", ReadOnly = true)]
    public async Task<string> ElicitationAsync([Description("The message to show the user.")] string message, CancellationToken cancellationToken)
    {
        var schema = new ElicitationSchema()
            .Text("username", description: "User's response", required: true)
            .Text("email", description: "User's email address", required: true)
            .Build();
        var result = await context.Current.ElicitAsync(new ElicitationRequest(message, schema), cancellationToken).ConfigureAwait(false);
        return $"User response: action={Action(result)}, content={Content(result)}";
    }

    [KernelFunction("elicitation_sep1034_defaults"), Description("Asks the user with a form whose fields all have defaults (SEP-1034).")]
    [LuminaTool(Name = "test_elicitation_sep1034_defaults", ReadOnly = true)]
    public async Task<string> ElicitationDefaultsAsync(CancellationToken cancellationToken)
    {
        var schema = new ElicitationSchema()
            .Text("name", title: "Name", defaultValue: "John Doe")
            .Integer("age", title: "Age", defaultValue: 30)
            .Number("score", title: "Score", defaultValue: 95.5)
            .Choice("status", ["active", "inactive", "pending"], title: "Status", defaultValue: "active")
            .Boolean("verified", title: "Verified", defaultValue: true)
            .Build();
        var result = await context.Current.ElicitAsync(new ElicitationRequest("Please review and update the form fields with defaults", schema), cancellationToken).ConfigureAwait(false);
        return $"Elicitation completed: action={Action(result)}, content={Content(result)}";
    }

    [KernelFunction("elicitation_sep1330_enums"), Description("Asks the user with every kind of choice field (SEP-1330).")]
    [LuminaTool(Name = "test_elicitation_sep1330_enums", ReadOnly = true)]
    public async Task<string> ElicitationEnumsAsync(CancellationToken cancellationToken)
    {
        var legacy = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "string",
            ["title"] = "Legacy titled enum",
            ["enum"] = new System.Text.Json.Nodes.JsonArray("opt1", "opt2", "opt3"),
            ["enumNames"] = new System.Text.Json.Nodes.JsonArray("Option One", "Option Two", "Option Three"),
        };
        var schema = new ElicitationSchema()
            .Choice("untitledSingle", ["option1", "option2", "option3"], title: "Untitled single select")
            .Choice("titledSingle", ["value1", "value2", "value3"], ["First Option", "Second Option", "Third Option"], title: "Titled single select")
            .Raw("legacyEnum", legacy)
            .MultiChoice("untitledMulti", ["option1", "option2", "option3"], title: "Untitled multi select")
            .MultiChoice("titledMulti", ["value1", "value2", "value3"], ["First Choice", "Second Choice", "Third Choice"], title: "Titled multi select")
            .Build();
        var result = await context.Current.ElicitAsync(new ElicitationRequest("Please select options from the enum fields", schema), cancellationToken).ConfigureAwait(false);
        return $"Elicitation completed: action={Action(result)}, content={Content(result)}";
    }

    [KernelFunction("json_schema_2020_12"), Description("Tool with JSON Schema 2020-12 features")]
    [LuminaTool(Name = "json_schema_2020_12_tool", ReadOnly = true, Idempotent = true, InputSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "$defs": {
            "address": {
              "$anchor": "addressDef",
              "type": "object",
              "properties": {
                "street": { "type": "string" },
                "city": { "type": "string" }
              }
            }
          },
          "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
          },
          "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
          "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
          "then": { "required": ["phone"] },
          "else": { "required": ["email"] },
          "additionalProperties": false
        }
        """)]
    public string JsonSchema202012(
        [Description("A name.")] string? name = null,
        [Description("An address with street and city.")] JsonElement? address = null,
        [Description("How to reach the person: phone or email.")] string? contactMethod = null,
        [Description("A phone number.")] string? phone = null,
        [Description("An email address.")] string? email = null) =>
        $"Received name={name ?? "(none)"}, address={(address is { } a ? a.GetRawText() : "(none)")}, contact={contactMethod ?? "(none)"}: {phone ?? email ?? "(none)"}";

    [KernelFunction("reconnection"), Description("Lets the client drop its stream mid-call and reconnect for the result (SSE polling).")]
    [LuminaTool(Name = "test_reconnection", ReadOnly = true)]
    public async Task<string> ReconnectionAsync(CancellationToken cancellationToken)
    {
        // The stream is released first and the work follows, so the result is written only after the POST stream has
        // ended: it can reach the client only through the reconnection (GET with Last-Event-ID). The host holds that
        // reconnection open until the result comes (Lumina:Http:ResumeWait); returning at once instead would race the
        // end of the POST stream and sometimes deliver the result on it, leaving the reconnection untested.
        var released = await context.Current.EnablePollingAsync(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        Log.Reconnection(logger, released);
        return released
            ? "Reconnection test completed: the stream was released mid-call and the result is delivered when the client reconnects."
            : "Reconnection test completed on the original stream (this transport cannot release it).";
    }

    [KernelFunction("static_text"), Description("A static text resource.")]
    [LuminaResource("test://static-text", Name = "static-text", MimeType = "text/plain")]
    public string StaticText() => "This is the content of the static text resource.";

    [KernelFunction("static_binary"), Description("A static binary resource (a PNG image).")]
    [LuminaResource("test://static-binary", Name = "static-binary", MimeType = "image/png")]
    public byte[] StaticBinary() => TestMedia.Png;

    [KernelFunction("watched_resource"), Description("A resource that changes; subscribe to hear about it.")]
    [LuminaResource(WatchedResource, Name = "watched-resource", MimeType = "text/plain")]
    public string Watched() => $"Watched resource content at {time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)}";

    [KernelFunction("update_watched_resource"), Description("Changes the watched resource, notifying its subscribers.")]
    [LuminaTool(Name = "test_update_watched_resource", Idempotent = false)]
    public async Task<string> UpdateWatchedAsync(CancellationToken cancellationToken)
    {
        await notifier.NotifyUpdatedAsync(WatchedResource, cancellationToken).ConfigureAwait(false);
        Log.WatchedResourceUpdated(logger, WatchedResource);
        return "Watched resource updated.";
    }

    [KernelFunction("template_data"), Description("Data for an id, from a resource template.")]
    [LuminaResource("test://template/{id}/data", Name = "template-data", MimeType = "application/json")]
    public string TemplateData([Description("The id."), LuminaCompletions("123", "456", "789")] string id) =>
        JsonSerializer.Serialize(new TemplateDataValue(id, true, $"Data for ID: {id}"), TemplateJson.Options);

    [KernelFunction("simple_prompt"), Description("A simple prompt without arguments.")]
    [LuminaPrompt(Name = "test_simple_prompt")]
    public string SimplePrompt() => "This is a simple prompt for testing.";

    [KernelFunction("prompt_with_arguments"), Description("A prompt with two arguments.")]
    [LuminaPrompt(Name = "test_prompt_with_arguments")]
    public string PromptWithArguments(
        [Description("First test argument"), LuminaCompletions("paris", "park", "party", "hello")] string arg1,
        [Description("Second test argument")] string arg2) =>
        $"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'";

    [KernelFunction("prompt_with_embedded_resource"), Description("A prompt that embeds a resource.")]
    [LuminaPrompt(Name = "test_prompt_with_embedded_resource")]
    public IEnumerable<LuminaPromptMessage> PromptWithEmbeddedResource([Description("URI of the resource to embed")] string resourceUri) =>
    [
        LuminaPromptMessage.User(LuminaContent.Resource(resourceUri, "Embedded resource content for testing.", "text/plain")),
        LuminaPromptMessage.User("Please process the embedded resource above."),
    ];

    [KernelFunction("prompt_with_image"), Description("A prompt that shows an image.")]
    [LuminaPrompt(Name = "test_prompt_with_image")]
    public IEnumerable<LuminaPromptMessage> PromptWithImage() =>
    [
        LuminaPromptMessage.User(LuminaContent.Image(TestMedia.Png, "image/png")),
        LuminaPromptMessage.User("Please analyze the image above."),
    ];

    private static string Action(ElicitationResult result) => result.Action.ToString().ToLowerInvariant();

    private static string Content(ElicitationResult result) =>
        result.Content is null ? "{}" : JsonSerializer.Serialize(result.Content, TemplateJson.Options);
}
