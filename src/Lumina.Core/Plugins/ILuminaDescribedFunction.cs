using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Core.Plugins;

/// <summary>
/// A kernel function that is no method of a plugin class (a tool of an upstream MCP server): it says itself how it is
/// served, what it needs and what it risks, where a method says it with attributes.
/// </summary>
public interface ILuminaDescribedFunction
{
    /// <summary>How it is served as a tool: its served name, title, hints and input schema.</summary>
    LuminaToolAttribute Tool { get; }

    /// <summary>The permission a caller needs to call it.</summary>
    LuminaPermission Permission { get; }

    /// <summary>Its output schema, if it has one.</summary>
    JsonElement? OutputSchema { get; }

    /// <summary>The tool as its server describes it (MCP tool JSON): served as it is, but for the name.</summary>
    JsonElement Descriptor { get; }

    /// <summary>
    /// Why it is quarantined (its descriptor changed since it was approved, or it reads like an instruction to the
    /// model), or <see langword="null"/>: a quarantined function is listed to nobody and refuses every call.
    /// </summary>
    string? Quarantined { get; }

    /// <summary>How it is served as a prompt (a prompt of an upstream server), or <see langword="null"/>.</summary>
    LuminaPromptAttribute? Prompt => null;

    /// <summary>
    /// Whether <paramref name="caller"/>, who holds the permission it needs, is shown it at all (a workflow none of
    /// whose steps the caller may use is hidden). Hiding is not refusing: a call by name still runs, and whatever it
    /// may not do is refused where it happens.
    /// </summary>
    bool IsVisibleTo(LuminaCaller caller) => true;

    /// <summary>
    /// How it is served as a resource or resource template (of an upstream server), or <see langword="null"/>. A read
    /// passes the URI asked for as the argument <see cref="LuminaDescribed.UriArgument"/>.
    /// </summary>
    LuminaResourceAttribute? Resource => null;

    /// <summary>
    /// Values for the argument <paramref name="argument"/> that begin like <paramref name="value"/>, given the
    /// arguments filled in so far; <see langword="null"/> when it offers none of its own.
    /// </summary>
    ValueTask<IReadOnlyList<string>?> CompleteAsync(string argument, string value, IReadOnlyDictionary<string, string>? arguments, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>?>(null);

    /// <summary>
    /// Told that a client subscribed to <paramref name="uri"/> (one this resource serves), so it can ask its source
    /// for updates; it reports them through <see cref="ILuminaResourceNotifier"/>.
    /// </summary>
    ValueTask SubscribedAsync(string uri, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
