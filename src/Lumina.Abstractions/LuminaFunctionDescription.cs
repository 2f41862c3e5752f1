namespace Lumina.Abstractions;

/// <summary>One function of a plugin and how it is served.</summary>
/// <param name="Kind"><c>tool</c>, <c>prompt</c> (a prompt template, served as a prompt and a tool) or <c>resource</c>.</param>
public sealed record LuminaFunctionDescription(string Name, string Description, string Kind);
