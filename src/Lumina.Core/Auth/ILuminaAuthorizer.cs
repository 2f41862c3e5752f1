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
