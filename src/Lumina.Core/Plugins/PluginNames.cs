using System.Text;

namespace Lumina.Core.Plugins;

/// <summary>Rules for plugin names: <c>[A-Za-z0-9_]+</c>, derived from a class name when not declared.</summary>
public static class PluginNames
{
    /// <summary>Whether <paramref name="name"/> can name a plugin.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary><c>FooBarPlugin</c> → <c>foo_bar</c>.</summary>
    public static string FromTypeName(string typeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        var name = typeName.EndsWith("Plugin", StringComparison.Ordinal) && typeName.Length > "Plugin".Length
            ? typeName[..^"Plugin".Length]
            : typeName;
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return builder.ToString();
    }
}
