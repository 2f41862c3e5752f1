using System.Reflection;
using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>What a function's plugin declares it needs, before configuration overrides.</summary>
public static class FunctionPermissions
{
    // Reflection once per function object: functions live as long as their plugin, and a removed plugin's functions
    // drop out of the table with it.
    private static readonly ConditionalWeakTable<KernelFunction, StrongBox<LuminaPermission>> s_declared = [];

    /// <summary>
    /// The permission <paramref name="function"/> needs: its method's <see cref="LuminaRequiresAttribute"/>, else its
    /// class's, else one derived from how it is served — a resource reads (<see cref="LuminaPermission.Read"/>), a
    /// tool follows its <see cref="LuminaToolAttribute"/> hints (read-only → read, destructive or otherwise mutating
    /// → write), and everything else, prompt templates included, needs <see cref="LuminaPermission.Execute"/>.
    /// </summary>
    public static LuminaPermission Declared(KernelFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return s_declared.GetValue(function, f => new StrongBox<LuminaPermission>(LuminaDescribed.Of(f) is { } described ? described.Permission : Derive(f.UnderlyingMethod))).Value;
    }

    private static LuminaPermission Derive(MethodInfo? method)
    {
        if (method is null)
        {
            // A prompt template (or a function built from a delegate without attributes): it runs something.
            return LuminaPermission.Execute;
        }

        if (method.GetCustomAttribute<LuminaRequiresAttribute>(inherit: false) is { } onMethod)
        {
            return onMethod.Permission;
        }

        if (method.DeclaringType?.GetCustomAttribute<LuminaRequiresAttribute>(inherit: false) is { } onClass)
        {
            return onClass.Permission;
        }

        if (method.IsDefined(typeof(LuminaResourceAttribute), inherit: false))
        {
            return LuminaPermission.Read;
        }

        return method.GetCustomAttribute<LuminaToolAttribute>(inherit: false) switch
        {
            { ReadOnly: true } => LuminaPermission.Read,
            // Declaring the hints and not read-only says the tool changes something.
            { } => LuminaPermission.Write,
            null => LuminaPermission.Execute,
        };
    }
}
