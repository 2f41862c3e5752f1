namespace Lumina.Core.Auth;

/// <summary>How a <see cref="LuminaAccess"/> is named in the audit ledger.</summary>
public static class LuminaAccessNames
{
    /// <summary>The name of <paramref name="access"/>: <c>invoke</c>, or the MCP method (<c>tools/call</c>, <c>resources/subscribe</c>…).</summary>
    public static string Name(LuminaAccess access) => access switch
    {
        LuminaAccess.Invoke => "invoke",
        LuminaAccess.ToolCall => "tools/call",
        LuminaAccess.PromptGet => "prompts/get",
        LuminaAccess.ResourceRead => "resources/read",
        LuminaAccess.ResourceSubscribe => "resources/subscribe",
        LuminaAccess.Completion => "completion/complete",
        _ => throw new ArgumentOutOfRangeException(nameof(access), access, "Not a kind of access."),
    };

    /// <summary>The audit record's error kind for a refusal of <paramref name="access"/>: <c>Forbidden:&lt;name&gt;</c>.</summary>
    public static string DeniedKind(LuminaAccess access) => "Forbidden:" + Name(access);
}
