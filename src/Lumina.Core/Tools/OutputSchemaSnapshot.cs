using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lumina.Core.Catalog;
using Lumina.Core.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Tools;

/// <summary>
/// The output schemas of the functions' result types, kept in the data directory from one start to the next
/// (<c>Lumina:Catalog:SchemaSnapshot</c>). Building one walks the type's whole graph through System.Text.Json's
/// reflection metadata, the largest single part of a start's catalog: for the built-in plugins about 65 ms of a
/// published start and 330 ms of one as built (bench/README.md).
/// </summary>
/// <remarks>
/// <para>
/// An entry holds while nothing it was made from changed. It is keyed by the type's assembly-qualified name and the
/// MVIDs of the assemblies of the type and its generic arguments, together with a stamp of every file in the folders
/// those assemblies load from (name, size, last write); the whole file is keyed by the runtime, the program's own
/// folder and the assemblies that make the schemas (Lumina.Core's rules, System.Text.Json, Microsoft.Extensions.AI).
/// A rebuilt plugin, an upgraded Lumina or runtime, a file changed beside a plugin: each makes its entries miss, and
/// they are built again and written back.
/// </para>
/// <para>
/// The file is written (whole, through a temporary file and a rename) right after the catalog is built, only when an
/// entry was missing (a first start, a changed plugin); it holds the entries this process used. A missing, unreadable or foreign file is
/// ignored, and a failed write is logged and costs only the next start's time. The data directory is trusted as for
/// everything else it holds (signing keys, identities, the audit ledger).
/// </para>
/// </remarks>
internal sealed partial class OutputSchemaSnapshot
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "catalog-schemas.json";

    private const int Format = 1;
    private static readonly JsonElement s_none = JsonDocument.Parse("null").RootElement.Clone();

    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _folderStamps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _used = new(StringComparer.Ordinal);
    private Dictionary<string, JsonElement>? _saved;
    private string? _programStamp;
    private bool _changed;

    public OutputSchemaSnapshot(IOptions<LuminaOptions> options, IOptions<CatalogOptions> catalog, ILogger<OutputSchemaSnapshot> logger)
    {
        _path = catalog.Value.SchemaSnapshot ? Path.Combine(Path.GetFullPath(options.Value.DataDirectory), FileName) : null;
        _logger = logger;
    }

    /// <summary>How many schemas were built in this process rather than read from the snapshot.</summary>
    public int Built { get; private set; }

    /// <summary>The output schema of <paramref name="type"/>: the snapshot's, or <paramref name="build"/>'s, remembered.</summary>
    public JsonElement? Get(Type type, Func<Type, JsonElement?> build)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(build);
        var key = _path is null ? null : Key(type);
        if (key is null)
        {
            return build(type);
        }

        lock (_gate)
        {
            _saved ??= Load();
            if (_used.TryGetValue(key, out var known) || _saved.TryGetValue(key, out known))
            {
                _used[key] = known;
                return known.ValueKind == JsonValueKind.Null ? null : known;
            }
        }

        var built = build(type);
        lock (_gate)
        {
            _used[key] = built ?? s_none;
            _changed = true;
            Built++;
        }

        return built;
    }

    /// <summary>Writes the file when a schema was built since it was read or last written.</summary>
    public void Save()
    {
        Dictionary<string, JsonElement> entries;
        string program;
        lock (_gate)
        {
            if (_path is null || !_changed)
            {
                return;
            }

            _changed = false;
            entries = new Dictionary<string, JsonElement>(_used, StringComparer.Ordinal);
            program = ProgramStamp();
        }

        var temporary = $"{_path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("format", Format);
                writer.WriteString("program", program);
                writer.WriteStartObject("schemas");
                foreach (var (key, schema) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    schema.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotSaved(ex, _path);
            TryDelete(temporary);
        }
    }

    private Dictionary<string, JsonElement> Load()
    {
        var entries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        try
        {
            if (!File.Exists(_path))
            {
                return entries;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(_path!));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != Format
                || !root.TryGetProperty("program", out var program) || program.ValueKind != JsonValueKind.String || program.GetString() != ProgramStamp()
                || !root.TryGetProperty("schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Object)
            {
                LogStale(_path!);
                return entries;
            }

            foreach (var entry in schemas.EnumerateObject())
            {
                if (entry.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
                {
                    entries[entry.Name] = entry.Value.Clone();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException)
        {
            LogUnreadable(ex, _path!);
            entries.Clear();
        }

        return entries;
    }

    /// <summary>The entry's key, or <see langword="null"/> for a type whose assemblies have no file to stamp (made in memory).</summary>
    private string? Key(Type type)
    {
        var assemblies = new List<Assembly>();
        Collect(type, assemblies);
        var key = new StringBuilder(type.AssemblyQualifiedName);
        lock (_gate)
        {
            foreach (var assembly in assemblies)
            {
                if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location) || Path.GetDirectoryName(assembly.Location) is not { Length: > 0 } folder)
                {
                    return null;
                }

                key.Append('|').Append(assembly.ManifestModule.ModuleVersionId.ToString("N")).Append('@').Append(FolderStamp(folder));
            }
        }

        return key.ToString();

        static void Collect(Type type, List<Assembly> into)
        {
            if (!into.Contains(type.Assembly))
            {
                into.Add(type.Assembly);
            }

            if (type.HasElementType && type.GetElementType() is { } element)
            {
                Collect(element, into);
            }

            if (type.IsConstructedGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    Collect(argument, into);
                }
            }
        }
    }

    /// <summary>A short hash of the folder's assemblies: name, size and last write of each.</summary>
    private string FolderStamp(string folder)
    {
        if (_folderStamps.TryGetValue(folder, out var stamp))
        {
            return stamp;
        }

        var text = new StringBuilder();
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*.dll").OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                text.Append(file.Name).Append(':').Append(file.Length).Append(':').Append(file.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable folder: a stamp of its own, so nothing kept for it is trusted.
            text.Append("unreadable:").Append(Guid.NewGuid());
        }

        stamp = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
        _folderStamps[folder] = stamp;
        return stamp;
    }

    private string ProgramStamp()
    {
        if (_programStamp is { } known)
        {
            return known;
        }

        var makers = new[] { typeof(OutputSchemaSnapshot).Assembly, typeof(AIJsonUtilities).Assembly, typeof(JsonSerializer).Assembly };
        _programStamp = string.Join(
            ';',
            [
                RuntimeInformation.FrameworkDescription,
                FolderStamp(AppContext.BaseDirectory),
                .. makers.Select(a => a.ManifestModule.ModuleVersionId.ToString("N")),
            ]);
        return _programStamp;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind: a later write replaces the file itself, not this one.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The catalog's schema snapshot {Path} was made by another build or runtime; its schemas are built again.")]
    private partial void LogStale(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog's schema snapshot {Path} could not be read; its schemas are built again.")]
    private partial void LogUnreadable(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog's schema snapshot {Path} could not be written; the next start builds its schemas again.")]
    private partial void LogNotSaved(Exception exception, string path);
}
