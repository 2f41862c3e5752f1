using System.Reflection;
using Lumina.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Plugins;

/// <summary>Turns plugin classes into <see cref="LuminaPlugin"/>s.</summary>
public static class LuminaPluginFactory
{
    /// <summary>Creates a plugin of type <paramref name="type"/>, its constructor served from <paramref name="services"/>.</summary>
    public static LuminaPlugin Create(Type type, IServiceProvider services, string? name = null, string source = "code")
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(services);
        var instance = ActivatorUtilities.CreateInstance(services, type);
        return FromObject(instance, services.GetService<ILoggerFactory>(), name, source);
    }

    /// <summary>Wraps an existing plugin object.</summary>
    public static LuminaPlugin FromObject(object instance, ILoggerFactory? loggerFactory = null, string? name = null, string source = "code")
    {
        ArgumentNullException.ThrowIfNull(instance);
        var type = instance.GetType();
        var declared = type.GetCustomAttribute<LuminaPluginAttribute>();
        name ??= declared?.Name ?? PluginNames.FromTypeName(type.Name);
        if (!PluginNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid plugin name: use letters, digits and '_'.", nameof(name));
        }

        var description = declared?.Description ?? type.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>()?.Description;
        var functions = KernelPluginFactory.CreateFromObject(instance, name, loggerFactory);
        var plugin = KernelPluginFactory.CreateFromFunctions(name, description, functions);
        return new LuminaPlugin(plugin, source);
    }

    /// <summary>A plugin of functions made in code (an upstream server's tools), under <paramref name="name"/>.</summary>
    /// <param name="owner">Disposed when the plugin is removed.</param>
    public static LuminaPlugin FromFunctions(string name, string? description, IEnumerable<KernelFunction> functions, string source, IDisposable? owner = null)
    {
        if (!PluginNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid plugin name: use letters, digits and '_'.", nameof(name));
        }

        return new LuminaPlugin(KernelPluginFactory.CreateFromFunctions(name, description, functions), source, owner: owner);
    }

    /// <summary>Whether <paramref name="type"/> looks like a plugin class: public, concrete, with kernel functions.</summary>
    public static bool IsPluginType(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsPublic: true, ContainsGenericParameters: false }
        && type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Any(m => m.IsDefined(typeof(KernelFunctionAttribute), inherit: false));
}
