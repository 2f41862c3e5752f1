namespace Lumina.Abstractions.Memory;

/// <summary>Something a user asked Lumina to remember.</summary>
/// <param name="Id">The fact's id (what <c>forget</c> takes).</param>
/// <param name="Text">The fact.</param>
/// <param name="Tags">Labels to group and find facts by.</param>
/// <param name="CreatedAt">When it was remembered.</param>
public sealed record MemoryFact(string Id, string Text, IReadOnlyList<string> Tags, DateTimeOffset CreatedAt);
