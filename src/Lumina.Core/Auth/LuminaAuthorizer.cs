using Lumina.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>Role-based authorization: admin has every permission, user read/write/execute, guest read, any other role none.</summary>
internal sealed class LuminaAuthorizer(IOptionsMonitor<LuminaAuthOptions> options) : ILuminaAuthorizer
{
    public LuminaPermission RequiredPermission(KernelFunction kernelFunction)
    {
        ArgumentNullException.ThrowIfNull(kernelFunction);
        // The validator rejected unparsable values at start.
        if (FunctionOverrides.TryGet(options.CurrentValue.Permissions, kernelFunction, out var text) && LuminaRoles.TryParsePermission(text, out var configured))
        {
            return configured;
        }

        return FunctionPermissions.Declared(kernelFunction);
    }

    public bool IsAllowed(LuminaCaller caller, KernelFunction kernelFunction)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return LuminaRoles.Grants(caller.Role, RequiredPermission(kernelFunction));
    }

    public void Demand(LuminaCaller caller, KernelFunction kernelFunction)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var needed = RequiredPermission(kernelFunction);
        if (!LuminaRoles.Grants(caller.Role, needed))
        {
            var name = kernelFunction.PluginName is { } plugin ? $"{plugin}_{kernelFunction.Name}" : kernelFunction.Name;
            throw new LuminaForbiddenException(
                $"Forbidden: {name} needs the '{LuminaRoles.Name(needed)}' permission; {caller.Name} has the role '{caller.Role}'.");
        }
    }
}
