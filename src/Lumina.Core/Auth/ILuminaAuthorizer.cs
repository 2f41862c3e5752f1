using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>
/// Decides whether a caller may invoke a function. The kernel's authorization filter and the MCP lists ask the same
/// object, so what a caller is shown and what a caller may call always agree.
/// </summary>
/// <remarks>
/// Every refusal goes through <see cref="DemandAsync"/>, which records it in the audit ledger as <c>denied</c> with
/// the <see cref="LuminaAccess"/> that was refused, before it throws: no path can refuse a caller without a record.
/// <see cref="IsAllowed"/> only answers (for lists, which show less rather than refuse).
/// </remarks>
public interface ILuminaAuthorizer
{
    /// <summary>The permission <paramref name="kernelFunction"/> needs: what its plugin declares, with configuration overrides applied.</summary>
    LuminaPermission RequiredPermission(KernelFunction kernelFunction);

    /// <summary>Whether <paramref name="caller"/>'s role grants the permission <paramref name="kernelFunction"/> needs.</summary>
    bool IsAllowed(LuminaCaller caller, KernelFunction kernelFunction);

    /// <summary>
    /// Returns when <paramref name="caller"/> may use <paramref name="kernelFunction"/> as <paramref name="access"/> says;
    /// otherwise records the refusal in the audit ledger (outcome <c>denied</c>, kind <c>Forbidden:&lt;access&gt;</c>,
    /// the digest of <paramref name="arguments"/>), logs and counts it, and throws.
    /// </summary>
    /// <exception cref="LuminaForbiddenException">The caller's role lacks the permission; the message names both.</exception>
    ValueTask DemandAsync(LuminaCaller caller, KernelFunction kernelFunction, LuminaAccess access, KernelArguments? arguments = null, CancellationToken cancellationToken = default);
}

/// <summary>What a caller asked to do with a function: the kind a refusal is recorded with.</summary>
public enum LuminaAccess
{
    /// <summary>A kernel invocation: the HTTP API, a .NET program, a tool a model calls during <c>ask</c>.</summary>
    Invoke,

    /// <summary>MCP <c>tools/call</c>.</summary>
    ToolCall,

    /// <summary>MCP <c>prompts/get</c>.</summary>
    PromptGet,

    /// <summary>MCP <c>resources/read</c>.</summary>
    ResourceRead,

    /// <summary>MCP <c>resources/subscribe</c>.</summary>
    ResourceSubscribe,

    /// <summary>MCP <c>completion/complete</c> for a prompt's or a resource template's argument.</summary>
    Completion,
}

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
