using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>
/// Decides whether a caller may invoke a function. The kernel's authorization filter and the MCP lists ask the same
/// object, so what a caller is shown and what a caller may call always agree.
/// </summary>
public interface ILuminaAuthorizer
{
    /// <summary>The permission <paramref name="kernelFunction"/> needs: what its plugin declares, with configuration overrides applied.</summary>
    LuminaPermission RequiredPermission(KernelFunction kernelFunction);

    /// <summary>Whether <paramref name="caller"/>'s role grants the permission <paramref name="kernelFunction"/> needs.</summary>
    bool IsAllowed(LuminaCaller caller, KernelFunction kernelFunction);

    /// <summary>Throws when <paramref name="caller"/> may not invoke <paramref name="kernelFunction"/>.</summary>
    /// <exception cref="LuminaForbiddenException">The caller's role lacks the permission; the message names both.</exception>
    void Demand(LuminaCaller caller, KernelFunction kernelFunction);
}
