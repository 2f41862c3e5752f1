using System.Reflection;

namespace Lumina.Core;

/// <summary>Lumina's version as clients see it.</summary>
public static class LuminaVersion
{
    /// <summary>The informational version, without the source revision.</summary>
    public static string Value { get; } = Read();

    private static string Read()
    {
        var version = typeof(LuminaVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
