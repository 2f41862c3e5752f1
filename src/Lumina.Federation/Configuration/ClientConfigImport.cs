using System.Text.Json;
using System.Text.RegularExpressions;
using Lumina.Core;

namespace Lumina.Federation.Configuration;

/// <summary>
/// Reads the MCP client configuration files people already have into Lumina's own settings
/// (<c>Lumina:Servers:&lt;name&gt;:…</c>): <c>mcpServers</c> (Claude Desktop, Cursor, Windsurf) and VS Code's
/// <c>servers</c> + <c>inputs</c> (<c>.vscode/mcp.json</c>, or under <c>mcp</c> in settings.json). Comments and
/// trailing commas are allowed, as VS Code allows them. <c>${env:X}</c> and <c>${userHome}</c> are resolved;
/// <c>${input:id}</c> comes from <c>Lumina:Servers:Inputs:&lt;id&gt;</c>, since Lumina cannot prompt. Fields Lumina
/// does not use are reported once each; anything it cannot honour is an error naming the file and what to do.
/// </summary>
public static partial class ClientConfigImport
{
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly HashSet<string> s_serverFields = new(StringComparer.Ordinal) { "type", "command", "args", "env", "envFile", "cwd", "url", "serverUrl", "headers" };
    private static readonly HashSet<string> s_topFields = new(StringComparer.Ordinal) { "mcpServers", "servers", "inputs", "mcp" };

    /// <summary>The settings of the servers in <paramref name="path"/>, and what it holds that Lumina ignores.</summary>
    /// <param name="environment">Environment variables, for <c>${env:X}</c>.</param>
    /// <param name="inputs">Values of VS Code inputs by id (<c>Lumina:Servers:Inputs:&lt;id&gt;</c>).</param>
    /// <exception cref="LuminaStartupException">The file cannot be read or used; the message names it and says why.</exception>
    public static (IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> Ignored) Read(string path, Func<string, string?> environment, IReadOnlyDictionary<string, string> inputs)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(inputs);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), s_options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LuminaStartupException($"Lumina:Servers:Import: cannot read {path}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw new LuminaStartupException($"Lumina:Servers:Import: {path} is not JSON: {ex.Message}");
        }

        using (document)
        {
            var context = new Context(path, environment, inputs);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw context.Error("its top level is not a JSON object");
            }

            if (root.TryGetProperty("mcp", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                root = nested; // VS Code settings.json
            }
            else
            {
                context.IgnoreUnknown(root, s_topFields, "top level");
            }

            var inputDescriptions = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (root.TryGetProperty("inputs", out var declared) && declared.ValueKind == JsonValueKind.Array)
            {
                foreach (var input in declared.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("id", out _)))
                {
                    inputDescriptions[input.GetProperty("id").GetString() ?? string.Empty] = input.TryGetProperty("description", out var d) ? d.GetString() : null;
                }
            }

            context.InputDescriptions = inputDescriptions;
            var servers = root.TryGetProperty("mcpServers", out var claude) ? claude : root.TryGetProperty("servers", out var code) ? code : default;
            if (servers.ValueKind != JsonValueKind.Object)
            {
                throw context.Error("it has no 'mcpServers' (Claude Desktop, Cursor, Windsurf) or 'servers' (VS Code) object");
            }

            var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var server in servers.EnumerateObject())
            {
                var name = NameOf(server.Name, context);
                if (names.TryGetValue(name, out var other))
                {
                    throw context.Error($"the servers '{other}' and '{server.Name}' would both be named '{name}'");
                }

                if (string.Equals(name, "Import", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Inputs", StringComparison.OrdinalIgnoreCase))
                {
                    throw context.Error($"the server '{server.Name}' has a name Lumina reserves (Lumina:Servers:{name} holds settings): rename it");
                }

                names[name] = server.Name;
                context.Server = server.Name;
                AddServer(name, server.Value, settings, context);
            }

            return (settings, context.Ignored);
        }
    }

    private static void AddServer(string name, JsonElement server, Dictionary<string, string?> settings, Context context)
    {
        if (server.ValueKind != JsonValueKind.Object)
        {
            throw context.Error($"the server '{context.Server}' is not an object");
        }

        context.IgnoreUnknown(server, s_serverFields, $"server '{context.Server}'");
        var prefix = $"Lumina:Servers:{name}";
        var url = Text(server, "url", context) ?? Text(server, "serverUrl", context);
        var command = Text(server, "command", context);
        if (command is null && url is null)
        {
            throw context.Error($"the server '{context.Server}' has neither a command nor a url");
        }

        if (url is not null)
        {
            settings[$"{prefix}:Url"] = url;
            foreach (var (header, value) in Map(server, "headers", context))
            {
                settings[$"{prefix}:Headers:{header}"] = value;
            }

            return;
        }

        settings[$"{prefix}:Command"] = command;
        if (server.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var arg in args.EnumerateArray())
            {
                settings[$"{prefix}:Args:{index++}"] = context.Resolve(arg.ValueKind == JsonValueKind.String ? arg.GetString()! : arg.GetRawText());
            }
        }

        if (Text(server, "cwd", context) is { } cwd)
        {
            settings[$"{prefix}:WorkingDirectory"] = cwd;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Text(server, "envFile", context) is { } envFile)
        {
            foreach (var (key, value) in EnvFile(Path.IsPathRooted(envFile) ? envFile : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(context.Path))!, envFile), context))
            {
                env[key] = value;
            }
        }

        foreach (var (key, value) in Map(server, "env", context))
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            settings[$"{prefix}:Env:{key}"] = value;
        }
    }

    private static string? Text(JsonElement server, string field, Context context) =>
        server.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? context.Resolve(value.GetString()!) : null;

    private static IEnumerable<(string Key, string Value)> Map(JsonElement server, string field, Context context)
    {
        if (!server.TryGetProperty(field, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var entry in map.EnumerateObject())
        {
            yield return (entry.Name, context.Resolve(entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText()));
        }
    }

    private static IEnumerable<(string Key, string Value)> EnvFile(string path, Context context)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw context.Error($"the envFile of the server '{context.Server}' cannot be read ({path}): {ex.Message}");
        }

        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                yield return (line[..equals].Trim(), line[(equals + 1)..].Trim().Trim('"'));
            }
        }
    }

    /// <summary>A server name Lumina can use: letters, digits, <c>_</c> and <c>-</c> (others become <c>_</c>, reported).</summary>
    private static string NameOf(string name, Context context)
    {
        var clean = NameCharacters().Replace(name, "_");
        if (clean.Length == 0)
        {
            throw context.Error("a server has an empty name");
        }

        if (clean != name)
        {
            context.Ignored.Add($"{context.Path}: the server '{name}' is named '{clean}' here (names hold letters, digits, '_' and '-')");
        }

        return clean;
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NameCharacters();

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex Variable();

    /// <summary>What reading one file needs as it goes.</summary>
    private sealed class Context(string path, Func<string, string?> environment, IReadOnlyDictionary<string, string> inputs)
    {
        public string Path => path;

        public string Server { get; set; } = string.Empty;

        public Dictionary<string, string?> InputDescriptions { get; set; } = [];

        public List<string> Ignored { get; } = [];

        public LuminaStartupException Error(string why) => new($"Lumina:Servers:Import: {path}: {why}.");

        public void IgnoreUnknown(JsonElement element, HashSet<string> known, string where)
        {
            foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
            {
                Ignored.Add($"{path}: the field '{property.Name}' of the {where} is not used by Lumina");
            }
        }

        public string Resolve(string text) => Variable().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (name.StartsWith("env:", StringComparison.Ordinal))
            {
                return environment(name[4..]) ?? throw Error($"the server '{Server}' needs the environment variable {name[4..]}, which is not set");
            }

            if (name.StartsWith("input:", StringComparison.Ordinal))
            {
                var id = name[6..];
                if (inputs.TryGetValue(id, out var value))
                {
                    return value;
                }

                var description = InputDescriptions.TryGetValue(id, out var d) && d is not null ? $" ({d})" : string.Empty;
                throw Error($"the server '{Server}' needs the input '{id}'{description}, and Lumina cannot prompt for it: set Lumina:Servers:Inputs:{id}");
            }

            if (name == "userHome")
            {
                return environment("HOME") ?? throw Error($"the server '{Server}' uses ${{userHome}}, and HOME is not set");
            }

            throw Error($"the server '{Server}' uses the variable ${{{name}}}, which Lumina cannot resolve (only env:, input: and userHome)");
        });
    }
}
