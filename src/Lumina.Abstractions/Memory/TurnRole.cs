namespace Lumina.Abstractions.Memory;

/// <summary>Who spoke a turn of a conversation.</summary>
public enum TurnRole
{
    User,
    Assistant,
    System,
    Tool,
}
