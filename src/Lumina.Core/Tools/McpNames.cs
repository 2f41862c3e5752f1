using System.Security.Cryptography;
using System.Text;

namespace Lumina.Core.Tools;

/// <summary>Deterministic MCP names for kernel functions: <c>plugin_function</c>, at most 64 characters.</summary>
public static class McpNames
{
    /// <summary>The longest name clients accept.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// <c>plugin_function</c>, lower-cased, with characters outside <c>[a-z0-9_.-]</c> replaced by <c>_</c>. A longer name is cut
    /// and ends with a short hash of the full name, so it stays unique and the same on every host.
    /// </summary>
    public static string For(string pluginName, string functionName) => Fit(Sanitize($"{pluginName}_{functionName}"));

    /// <summary>An explicitly declared name, checked.</summary>
    public static string Declared(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxLength || !name.All(IsAllowed))
        {
            throw new ArgumentException($"'{name}' is not a valid MCP name: 1 to {MaxLength} characters of A-Z, a-z, 0-9, '_', '-', '.'.", nameof(name));
        }

        return name;
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(IsAllowed(c) ? char.ToLowerInvariant(c) : '_');
        }

        return builder.ToString();
    }

    private static string Fit(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{name[..(MaxLength - 9)]}_{hash}";
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
