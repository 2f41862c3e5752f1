namespace Lumina.Abstractions;

/// <summary>
/// Values a client may offer while the user types this argument (MCP completion).
/// Applies to a parameter of a function served as a prompt or a resource template.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class LuminaCompletionsAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
