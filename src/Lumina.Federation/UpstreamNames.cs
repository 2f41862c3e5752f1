using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lumina.Federation;

/// <summary>
/// The names an upstream server's tools get here: served as <c>&lt;server&gt;_&lt;tool&gt;</c> (at most 64
/// characters, the same every time), and as kernel functions of the plugin <c>&lt;server&gt;</c> with the characters a
/// kernel function name cannot hold replaced.
/// </summary>
internal static partial class UpstreamNames
{
    public const int MaxServedLength = 64;

    /// <summary>Whether <paramref name="prefix"/> can begin the names of a server's tools and prompts: letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, up to 32 (or nothing).</summary>
    public static bool IsValidPrefix(string prefix) => PrefixPattern().IsMatch(prefix);

    /// <summary>Whether <paramref name="server"/> can name an upstream server: letters, digits, <c>_</c> and <c>-</c>, up to 32.</summary>
    public static bool IsValidServer(string server) => ServerName().IsMatch(server);

    /// <summary>The plugin of <paramref name="server"/>: its name with <c>-</c> as <c>_</c>.</summary>
    public static string Plugin(string server) => server.Replace('-', '_');

    /// <summary>
    /// The MCP name <c>&lt;server&gt;_&lt;tool&gt;</c> (or <c>&lt;prefix&gt;&lt;tool&gt;</c>, when the server has a
    /// <see cref="UpstreamServerOptions.Prefix"/>); a longer one is cut and made unique with a hash of the whole.
    /// </summary>
    public static string Served(string server, string tool, string? prefix = null)
    {
        var name = $"{prefix ?? server + "_"}{Clean(tool, allowed: "_.-")}";
        if (name.Length <= MaxServedLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"{name[..(MaxServedLength - 9)]}_{hash}";
    }

    /// <summary>The kernel function name of <paramref name="tool"/>: letters, digits and <c>_</c>.</summary>
    public static string Function(string tool)
    {
        var name = Clean(tool, allowed: "_");
        return name.Length == 0 ? "tool" : name;
    }

    /// <summary>
    /// The URI <paramref name="uri"/> of <paramref name="server"/> is served under: <c>&lt;server&gt;+&lt;uri&gt;</c>
    /// (<c>everything+demo://resource/1</c>), which names the server and gives the original back.
    /// </summary>
    public static string ServedUri(string server, string uri) => $"{server}+{uri}";

    /// <summary>The server's own URI of a served one (<see cref="ServedUri"/>); one that is not served under this server's name is returned as it is.</summary>
    public static string UpstreamUri(string server, string served) =>
        served.StartsWith($"{server}+", StringComparison.Ordinal) ? served[(server.Length + 1)..] : served;

    private static string Clean(string text, string allowed)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) || allowed.Contains(c, StringComparison.Ordinal) ? c : '_');
        }

        return clean.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex ServerName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{0,32}$")]
    private static partial Regex PrefixPattern();
}
