using System.Text.Json.Nodes;

namespace Lumina.Abstractions;

/// <summary>A question for the user: a message and the form of the answer.</summary>
/// <param name="Message">What to ask.</param>
/// <param name="RequestedSchema">
/// A flat JSON Schema object (<c>{"type":"object","properties":{…},"required":[…]}</c>) whose properties
/// are primitives: string (optionally with <c>format</c>, <c>enum</c>, <c>oneOf</c>), number, integer,
/// boolean, or an array of enum values. <see cref="ElicitationSchema"/> builds one.
/// </param>
public sealed record ElicitationRequest(string Message, JsonObject RequestedSchema);
