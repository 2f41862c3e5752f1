namespace Lumina.Core.Auth;

/// <summary>A key just created: its description and the key itself, which is shown this once and never stored.</summary>
public sealed record CreatedApiKey(LuminaApiKey Key, string Secret);
