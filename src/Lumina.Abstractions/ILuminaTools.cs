using System.Text.Json;

namespace Lumina.Abstractions;

/// <summary>
/// The host's tools as the current caller sees them, for plugins that call tools on the caller's behalf (the exec
/// plugin's code mode): listed and called exactly as an MCP client would list and call them, every call through every
/// kernel filter (authorization, policy, audit, memory, telemetry) as the caller of the current call.
/// </summary>
public interface ILuminaTools
{
    /// <summary>
    /// The tools the current caller may call, by their MCP names, leaving out the functions of
    /// <paramref name="excludedPlugins"/> (a plugin leaves itself out, so a script cannot recurse into it).
    /// </summary>
    IReadOnlyList<LuminaToolInfo> List(IEnumerable<string>? excludedPlugins = null);

    /// <summary>Calls the tool named <paramref name="name"/> with <paramref name="arguments"/> (a JSON object) as the current caller.</summary>
    /// <returns>The result as JSON: text as a string, a structured result as its object, anything else serialized.</returns>
    /// <remarks>
    /// A tool <see cref="List"/> leaves out because the caller may not use it is still found here, and refused by the
    /// kernel's authorization filter, which records the refusal; a tool of an excluded plugin is refused before it runs.
    /// </remarks>
    /// <exception cref="LuminaRefusalException">There is no such tool, it belongs to an excluded plugin, or the arguments do not fit it.</exception>
    /// <exception cref="LuminaForbiddenException">The caller's role lacks the permission the tool needs.</exception>
    /// <exception cref="LuminaException">A filter refused the call (forbidden, declined, rate limited) or the tool failed.</exception>
    Task<JsonElement> CallAsync(string name, JsonElement arguments, IEnumerable<string>? excludedPlugins = null, CancellationToken cancellationToken = default);
}

/// <summary>One tool as <see cref="ILuminaTools"/> lists it.</summary>
/// <param name="Name">The MCP tool name, such as <c>files_read</c>.</param>
/// <param name="Description">What the tool does.</param>
/// <param name="InputSchema">The JSON schema of its arguments.</param>
/// <param name="Title">Its human-readable title, when it has one.</param>
public sealed record LuminaToolInfo(string Name, string Description, JsonElement InputSchema, string? Title = null);
