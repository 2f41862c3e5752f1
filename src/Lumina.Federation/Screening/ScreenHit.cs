namespace Lumina.Federation.Screening;

/// <summary>One finding of the poisoning screen.</summary>
/// <param name="RuleId">The rule that found it.</param>
/// <param name="Reason">The rule's reason, for the admin who decides.</param>
/// <param name="Field">Where: <c>description</c>, <c>title</c>, <c>inputSchema.properties.path.description</c>…</param>
/// <param name="Excerpt">The text around it, invisible characters shown as <c>U+XXXX</c>.</param>
public sealed record ScreenHit(string RuleId, string Reason, string Field, string Excerpt);
