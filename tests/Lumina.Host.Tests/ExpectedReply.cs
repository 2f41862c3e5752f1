namespace Lumina.Host.Tests;

/// <summary>One reply the stdio host owes: its id as JSON text (<c>null</c> for unparseable input) and its kind.</summary>
internal sealed record ExpectedReply(string IdJson, ReplyKind Kind, params int[] Codes);
