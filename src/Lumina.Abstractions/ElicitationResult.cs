using System.Text.Json;

namespace Lumina.Abstractions;

/// <summary>The user's answer to an <see cref="ElicitationRequest"/>.</summary>
public sealed record ElicitationResult(ElicitationAction Action, IReadOnlyDictionary<string, JsonElement>? Content)
{
    /// <summary>Whether the user accepted.</summary>
    public bool IsAccepted => Action == ElicitationAction.Accept;
}
