namespace Lumina.Abstractions.Memory;

/// <summary>A conversation's header.</summary>
public sealed record ConversationInfo(string Id, string Title, int TurnCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
