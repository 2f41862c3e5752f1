namespace Lumina.Abstractions.Memory;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who spoke.</param>
/// <param name="Content">What was said (for a tool turn, the call or its result).</param>
/// <param name="At">When.</param>
/// <param name="ToolCallId">For tool calls and their results: the id that pairs them, so trimming never separates them.</param>
public sealed record ConversationTurn(TurnRole Role, string Content, DateTimeOffset At, string? ToolCallId = null);
