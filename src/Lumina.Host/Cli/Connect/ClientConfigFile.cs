using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumina.Host.Cli.Connect;

/// <summary>A client configuration file that cannot be used or written; nothing was changed. The message says where and why.</summary>
internal sealed class ClientConfigException(string message) : Exception(message);

/// <summary>What merging an entry into a file's text gave: the new text, and what changed.</summary>
/// <param name="Changed">False when the file already held exactly this entry (nothing to write).</param>
/// <param name="Replaced">The file had an entry of this name, now updated.</param>
/// <param name="CommentsDropped">The file had comments, which the rewritten file no longer has (they stay in the backup).</param>
internal sealed record MergedConfig(string Text, bool Changed, bool Replaced, bool CommentsDropped);

/// <summary>What <see cref="ClientConfigFile.Write"/> did.</summary>
/// <param name="Path">The file written (a symbolic link's target, when the file was one).</param>
/// <param name="Backup">The copy of the file as it was, or null when there was no file or nothing changed.</param>
internal sealed record WrittenConfig(string Path, string? Backup, bool Created, MergedConfig Merge);

/// <summary>
/// Merges one server entry into a client's JSON configuration file and keeps everything else in it: other servers,
/// other keys, their order. The files may have comments and trailing commas (VS Code's JSONC); they are read, but
/// System.Text.Json cannot write comments back, so the caller is told, and the timestamped backup made before any change
/// keeps them. A file that is not JSON, or whose servers are not an object, is refused and left as it is. The new file
/// is written beside the old one and moved over it, so a failed write leaves the old file whole.
/// </summary>
internal static class ClientConfigFile
{
    private static readonly JsonDocumentOptions s_read = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonSerializerOptions s_write = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The text of <paramref name="existing"/> (null: no file yet) with <paramref name="entry"/> in it.</summary>
    /// <param name="path">For messages only.</param>
    /// <exception cref="ClientConfigException">The text cannot hold the entry without losing something.</exception>
    public static MergedConfig Merge(string? existing, string path, ClientEntry entry)
    {
        JsonObject root;
        var comments = false;
        if (string.IsNullOrWhiteSpace(existing))
        {
            root = [];
        }
        else
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(existing, documentOptions: s_read);
                comments = HasComments(existing);
            }
            catch (JsonException ex)
            {
                throw new ClientConfigException($"{path} is not valid JSON ({ex.Message}); it was left as it is. Fix it (or move it away) and run again.");
            }

            root = parsed as JsonObject ?? throw new ClientConfigException($"{path} does not hold a JSON object at its top level; it was left as it is.");
        }

        var before = root.DeepClone();
        var servers = root[entry.ServersKey];
        if (servers is null)
        {
            root[entry.ServersKey] = servers = new JsonObject();
        }
        else if (servers is not JsonObject)
        {
            throw new ClientConfigException($"'{entry.ServersKey}' in {path} is not a JSON object (it is {servers.GetValueKind().ToString().ToLowerInvariant()}); it was left as it is.");
        }

        var serverMap = (JsonObject)servers;
        var replaced = serverMap.ContainsKey(entry.Name);
        serverMap[entry.Name] = entry.Server.DeepClone();
        if (entry.Input is not null)
        {
            MergeInput(root, entry.Input, path);
        }

        var changed = !JsonNode.DeepEquals(before, root);
        var text = changed ? root.ToJsonString(s_write).ReplaceLineEndings("\n") + "\n" : existing!;
        return new(text, changed, replaced, changed && comments);
    }

    /// <summary>Merges <paramref name="entry"/> into the file at <paramref name="path"/>, creating it and its folders when needed.</summary>
    /// <exception cref="ClientConfigException">The file cannot be read, used or written; it is as it was.</exception>
    public static WrittenConfig Write(string path, ClientEntry entry, DateTimeOffset now)
    {
        var target = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(target).LinkTarget is not null)
            {
                // A dotfiles manager's link: the file it points at is changed, the link stays.
                target = new FileInfo(target).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? target;
            }

            var existing = File.Exists(target) ? File.ReadAllText(target) : null;
            var merge = Merge(existing, target, entry);
            if (!merge.Changed)
            {
                return new(target, null, false, merge);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string? backup = null;
            if (existing is not null)
            {
                backup = BackupPath(target, now);
                File.Copy(target, backup);
            }

            var temporary = $"{target}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp";
            try
            {
                File.WriteAllText(temporary, merge.Text, new UTF8Encoding(false));
                if (existing is not null && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temporary, File.GetUnixFileMode(target)); // a file kept private stays private
                }

                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            return new(target, backup, existing is null, merge);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClientConfigException($"cannot write {target}: {ex.Message}; nothing was changed.");
        }
    }

    /// <summary><c>mcp.json.20261206-201500.bak</c> beside the file; a second backup in the same second gets a number.</summary>
    private static string BackupPath(string target, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var backup = $"{target}.{stamp}.bak";
        for (var i = 2; File.Exists(backup); i++)
        {
            backup = $"{target}.{stamp}-{i.ToString(CultureInfo.InvariantCulture)}.bak";
        }

        return backup;
    }

    /// <summary>VS Code's inputs: the one of this id is replaced, else it is added; other inputs are kept.</summary>
    private static void MergeInput(JsonObject root, JsonObject input, string path)
    {
        var inputs = root["inputs"];
        if (inputs is null)
        {
            root["inputs"] = inputs = new JsonArray();
        }
        else if (inputs is not JsonArray)
        {
            throw new ClientConfigException($"'inputs' in {path} is not a JSON array; it was left as it is.");
        }

        var list = (JsonArray)inputs;
        var id = input["id"]!.GetValue<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject other && other["id"] is JsonValue value && value.TryGetValue<string>(out var otherId) && otherId == id)
            {
                list[i] = input.DeepClone();
                return;
            }
        }

        list.Add(input.DeepClone());
    }

    private static bool HasComments(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow, AllowTrailingCommas = true });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Comment)
            {
                return true;
            }
        }

        return false;
    }
}
