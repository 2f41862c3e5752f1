using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Lumina.Mcp.Tests;

public enum Mood
{
    Calm,
    Cheerful,
}

public sealed record Weather(string City, int TemperatureC, Mood Mood);

/// <summary>A plugin that exercises every part of the kernel-to-MCP mapping.</summary>
[LuminaPlugin("sample", Description = "Test plugin.")]
public sealed class SamplePlugin(ILuminaCallContextAccessor context, ILuminaResourceNotifier notifier)
{
    public const string Secret = "s3cr3t-internal-detail";

    [KernelFunction("echo"), Description("Echoes the text back.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public string Echo([Description("The text to echo.")] string text, [Description("How many times.")] int times = 1) =>
        string.Concat(Enumerable.Repeat(text, times));

    [KernelFunction("weather"), Description("Reports the weather of a city.")]
    public Weather GetWeather([Description("The city.")] string city, [Description("The mood.")] Mood mood = Mood.Calm) => new(city, 21, mood);

    [KernelFunction("wipe"), Description("Deletes everything.")]
    [LuminaTool(Name = "exact.wipe", Destructive = true, Title = "Wipe")]
    public string Wipe() => "wiped";

    [KernelFunction("refuse"), Description("Always refuses with a safe message.")]
    public string Refuse() => throw new LuminaException("Not allowed: the sample refuses.");

    [KernelFunction("crash"), Description("Always crashes with an internal message.")]
    public string Crash() => throw new InvalidOperationException(Secret);

    [KernelFunction("work"), Description("Reports progress and logs while it works.")]
    public async Task<string> WorkAsync(CancellationToken cancellationToken)
    {
        for (var i = 1; i <= 3; i++)
        {
            await context.Current.ReportProgressAsync(i, 3, $"step {i}", cancellationToken);
            await context.Current.LogAsync(LuminaLogLevel.Info, $"log {i}", cancellationToken);
        }

        return context.Current.Caller.Transport.ToString();
    }

    [KernelFunction("ask_model"), Description("Asks the client's model.")]
    public async Task<string> AskModelAsync([Description("The question.")] string question, CancellationToken cancellationToken)
    {
        var response = await context.Current.SampleAsync([new ChatMessage(ChatRole.User, question)], cancellationToken: cancellationToken);
        return "model said: " + response.Text;
    }

    [KernelFunction("ask_user"), Description("Asks the user for a name.")]
    public async Task<string> AskUserAsync(CancellationToken cancellationToken)
    {
        var result = await context.Current.ElicitAsync(
            new ElicitationRequest("Who are you?", new ElicitationSchema().Text("name", required: true).Build()), cancellationToken);
        return result.IsAccepted ? "hello " + result.Content!["name"].GetString() : result.Action.ToString();
    }

    [KernelFunction("roots"), Description("Lists the client's roots.")]
    public async Task<string> RootsAsync(CancellationToken cancellationToken) =>
        string.Join(",", (await context.Current.GetRootsAsync(cancellationToken)).Select(r => r.Uri));

    [KernelFunction("picture"), Description("Returns several items.")]
    public LuminaResult Picture() => LuminaResult.Of(
        LuminaContent.Text("a picture"),
        LuminaContent.Image(new byte[] { 1, 2, 3 }, "image/png"),
        LuminaContent.Resource("sample://note", "note text"));

    [KernelFunction("touch"), Description("Marks the note changed.")]
    public async Task<string> TouchAsync(CancellationToken cancellationToken)
    {
        await notifier.NotifyUpdatedAsync("sample://note", cancellationToken);
        return "touched";
    }

    [KernelFunction("note"), Description("A note.")]
    [LuminaResource("sample://note", Name = "note", MimeType = "text/plain")]
    public string Note() => "the note";

    [KernelFunction("item"), Description("An item by id.")]
    [LuminaResource("sample://items/{id}", Name = "item", MimeType = "text/plain")]
    public string Item([Description("The id."), LuminaCompletions("alpha", "beta", "alps")] string id) => $"item {id}";

    [KernelFunction("file"), Description("A file by path, with an optional query.")]
    [LuminaResource("sample://files/{+path}{?version}", Name = "file", MimeType = "text/plain")]
    public string File([Description("The path.")] string path) => $"file {path}";

    [KernelFunction("greeting"), Description("A greeting prompt.")]
    [LuminaPrompt]
    public IEnumerable<LuminaPromptMessage> Greeting([Description("Who to greet."), LuminaCompletions("Ada", "Alan", "Grace")] string name) =>
        [LuminaPromptMessage.User($"Greet {name}."), LuminaPromptMessage.Assistant("Hello!")];
}
