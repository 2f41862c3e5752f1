using Lumina.Abstractions.Memory;

namespace Lumina.Plugins.Memory;

/// <summary>The caller's conversations, most recent first.</summary>
public sealed record ConversationList(IReadOnlyList<ConversationInfo> Conversations);
