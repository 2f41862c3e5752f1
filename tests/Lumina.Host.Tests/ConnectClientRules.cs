using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lumina.Host.Tests;

/// <summary>
/// The configuration formats as each client documents them, checked strictly: a file that passes is one the client
/// accepts. Claude Desktop (claude_desktop_config.json): a top-level object whose <c>mcpServers</c> maps names to
/// <c>{command: string, args?: string[], env?: {string: string}}</c>. VS Code (mcp.json): <c>servers</c> entries with
/// <c>type</c> stdio (<c>command</c>, <c>args</c>, <c>env</c>) or http (<c>url</c>, <c>headers</c>), and every
/// <c>${input:id}</c> declared in <c>inputs</c>. Cursor and Claude Code: <c>mcpServers</c> entries with
/// <c>command</c>/<c>args</c>/<c>env</c> or <c>url</c>/<c>headers</c> (Claude Code's with a <c>type</c>).
/// </summary>
internal static partial class ClientRules
{
    /// <summary>Strict JSON, as Claude Desktop parses it (no comments, no trailing commas).</summary>
    public static JsonObject ClaudeDesktop(string text)
    {
        var root = Parse(text);
        foreach (var (name, server) in Servers(root, "mcpServers"))
        {
            var entry = server.Should().BeOfType<JsonObject>($"server '{name}' is an object").Subject;
            entry.Select(p => p.Key).Should().BeSubsetOf(["command", "args", "env"], $"Claude Desktop's '{name}' has only command, args and env");
            Stdio(name, entry);
        }

        return root;
    }

    public static JsonObject VsCode(string text)
    {
        var root = Parse(text);
        var declared = root["inputs"] is JsonArray inputs
            ? inputs.Select(i => i.Should().BeOfType<JsonObject>().Subject).Select(i =>
            {
                i["type"]!.GetValue<string>().Should().BeOneOf("promptString", "pickString", "command");
                return i["id"]!.GetValue<string>();
            }).ToHashSet()
            : [];
        foreach (var (name, server) in Servers(root, "servers"))
        {
            var entry = server.Should().BeOfType<JsonObject>().Subject;
            var type = entry["type"]!.GetValue<string>();
            type.Should().BeOneOf("stdio", "http", "sse");
            if (type == "stdio")
            {
                entry.Select(p => p.Key).Should().BeSubsetOf(["type", "command", "args", "env", "envFile", "cwd"]);
                Stdio(name, entry);
            }
            else
            {
                entry.Select(p => p.Key).Should().BeSubsetOf(["type", "url", "headers"]);
                Http(entry);
            }

            foreach (Match reference in InputReference().Matches(entry.ToJsonString()))
            {
                declared.Should().Contain(reference.Groups[1].Value, $"'{name}' uses ${{input:{reference.Groups[1].Value}}}");
            }
        }

        return root;
    }

    /// <summary>Cursor's <c>mcp.json</c> (<paramref name="typed"/> false) or Claude Code's <c>.mcp.json</c> (true: each entry has its type).</summary>
    public static JsonObject McpServers(string text, bool typed)
    {
        var root = Parse(text);
        foreach (var (name, server) in Servers(root, "mcpServers"))
        {
            var entry = server.Should().BeOfType<JsonObject>().Subject;
            if (typed)
            {
                entry["type"]!.GetValue<string>().Should().BeOneOf("stdio", "http", "sse");
            }

            if (entry.ContainsKey("url"))
            {
                entry.Select(p => p.Key).Should().BeSubsetOf(["type", "url", "headers"]);
                Http(entry);
            }
            else
            {
                entry.Select(p => p.Key).Should().BeSubsetOf(["type", "command", "args", "env"]);
                Stdio(name, entry);
            }
        }

        return root;
    }

    private static JsonObject Parse(string text)
    {
        JsonNode? node = null;
        var act = () => node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        act.Should().NotThrow("the file is strict JSON");
        return node.Should().BeOfType<JsonObject>("the top level is an object").Subject;
    }

    private static JsonObject Servers(JsonObject root, string key) =>
        root[key].Should().BeOfType<JsonObject>($"'{key}' maps names to servers").Subject;

    private static void Stdio(string name, JsonObject entry)
    {
        entry["command"].Should().NotBeNull($"'{name}' has a command");
        entry["command"]!.GetValueKind().Should().Be(JsonValueKind.String);
        entry["command"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        if (entry["args"] is { } args)
        {
            foreach (var arg in args.Should().BeOfType<JsonArray>().Subject)
            {
                arg!.GetValueKind().Should().Be(JsonValueKind.String, $"'{name}' has only strings in args");
            }
        }

        if (entry["env"] is { } env)
        {
            foreach (var variable in env.Should().BeOfType<JsonObject>().Subject)
            {
                variable.Value!.GetValueKind().Should().Be(JsonValueKind.String, $"'{name}' has only strings in env");
            }
        }
    }

    private static void Http(JsonObject entry)
    {
        Uri.TryCreate(entry["url"]!.GetValue<string>(), UriKind.Absolute, out var url).Should().BeTrue();
        url!.Scheme.Should().BeOneOf("http", "https");
        if (entry["headers"] is { } headers)
        {
            foreach (var header in headers.Should().BeOfType<JsonObject>().Subject)
            {
                header.Value!.GetValueKind().Should().Be(JsonValueKind.String);
            }
        }
    }

    [GeneratedRegex(@"\$\{input:([^}]+)\}")]
    private static partial Regex InputReference();
}
