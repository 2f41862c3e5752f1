using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Lumina.Core.ToolSets;

/// <summary>
/// The configured tool sets (<c>Lumina:ToolSets</c>): which served names each holds, and the names and descriptions it
/// shows. The authorizer asks <see cref="Contains"/> on every list and call, so what a set shows and what it lets call
/// always agree.
/// </summary>
public sealed partial class LuminaToolSets
{
    private readonly Dictionary<string, CompiledSet> _sets;

    /// <summary>The sets in <paramref name="sets"/>, by name (ordinal, case-insensitive).</summary>
    public LuminaToolSets(IReadOnlyDictionary<string, ToolSetOptions> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        _sets = sets.ToDictionary(s => s.Key, s => new CompiledSet(s.Value), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No sets.</summary>
    public static LuminaToolSets None { get; } = new(new Dictionary<string, ToolSetOptions>());

    /// <summary>The names of the configured sets.</summary>
    public IReadOnlyCollection<string> Names => _sets.Keys;

    /// <summary>Reads <c>Lumina:ToolSets</c>.</summary>
    public static IReadOnlyDictionary<string, ToolSetOptions> Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sets = new Dictionary<string, ToolSetOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Lumina:ToolSets").GetChildren())
        {
            var options = new ToolSetOptions();
            section.Bind(options);
            sets[section.Key] = options;
        }

        return sets;
    }

    /// <summary>Checks the sets; one message per problem, each naming the setting.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, ToolSetOptions> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var errors = new List<string>();
        foreach (var (name, set) in sets)
        {
            var at = $"Lumina:ToolSets:{name}";
            if (!SetName().IsMatch(name))
            {
                errors.Add($"{at}: a tool set's name is a path segment of letters, digits, '-' and '_' (it is served at /mcp/{name}).");
            }

            CheckGlobs(set.Include, at + ":Include", errors);
            CheckGlobs(set.Exclude, at + ":Exclude", errors);
            foreach (var (from, to) in set.Rename)
            {
                if (!ToolName().IsMatch(to ?? string.Empty))
                {
                    errors.Add($"{at}:Rename:{from} ('{to}') is not a valid tool name (letters, digits, '_', '-', '.', at most 128).");
                }
            }

            foreach (var clash in set.Rename.Values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add($"{at}:Rename gives two tools the name '{clash.Key}'.");
            }
        }

        return errors;
    }

    /// <summary>Whether a set of that name is configured.</summary>
    public bool Exists(string name) => _sets.ContainsKey(name);

    /// <summary>Whether <paramref name="servedName"/> is in <paramref name="set"/>: always when <paramref name="set"/> is null, never when no such set exists.</summary>
    public bool Contains(string? set, string servedName) =>
        set is null || (_sets.TryGetValue(set, out var compiled) && compiled.Contains(servedName));

    /// <summary>The name <paramref name="servedName"/> is shown under in <paramref name="set"/>.</summary>
    public string ShownName(string? set, string servedName) =>
        set is not null && _sets.TryGetValue(set, out var compiled) && compiled.Options.Rename.TryGetValue(servedName, out var renamed) ? renamed : servedName;

    /// <summary>The served name of what <paramref name="set"/> shows as <paramref name="shownName"/>.</summary>
    public string ServedName(string? set, string shownName) =>
        set is not null && _sets.TryGetValue(set, out var compiled) && compiled.Renamed.TryGetValue(shownName, out var served) ? served : shownName;

    /// <summary>Whether <paramref name="set"/> shows <paramref name="servedName"/> under another name (then its own name is not callable in the set).</summary>
    public bool IsRenamed(string? set, string servedName) =>
        set is not null && _sets.TryGetValue(set, out var compiled) && compiled.Options.Rename.ContainsKey(servedName);

    /// <summary>The description <paramref name="set"/> gives <paramref name="servedName"/>, or null to keep its own.</summary>
    public string? Description(string? set, string servedName) =>
        set is not null && _sets.TryGetValue(set, out var compiled) && compiled.Options.Describe.TryGetValue(servedName, out var description) ? description : null;

    private static void CheckGlobs(IList<string> globs, string at, List<string> errors)
    {
        for (var i = 0; i < globs.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(globs[i]))
            {
                errors.Add($"{at}:{i} is empty.");
            }
        }
    }

    /// <summary>A glob (<c>*</c> any run of characters, <c>?</c> one) as an anchored, ordinal pattern.</summary>
    internal static Regex Glob(string glob) =>
        new("^" + Regex.Escape(glob.Trim()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex SetName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolName();

    private sealed class CompiledSet
    {
        private readonly Regex[] _include;
        private readonly Regex[] _exclude;

        public CompiledSet(ToolSetOptions options)
        {
            Options = options;
            _include = [.. options.Include.Where(g => !string.IsNullOrWhiteSpace(g)).Select(Glob)];
            _exclude = [.. options.Exclude.Where(g => !string.IsNullOrWhiteSpace(g)).Select(Glob)];
            Renamed = options.Rename.GroupBy(r => r.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        }

        public ToolSetOptions Options { get; }

        public Dictionary<string, string> Renamed { get; }

        public bool Contains(string name) =>
            (_include.Length == 0 || _include.Any(g => g.IsMatch(name))) && !_exclude.Any(g => g.IsMatch(name));
    }
}
