namespace Lumina.Plugins.Files;

/// <summary>Settings of the files plugin, bound from <c>Lumina:Files</c>.</summary>
public sealed class FilesOptions
{
    /// <summary>The most a byte cap may be: reads and writes are held in memory as one string.</summary>
    private const long MaxCap = 1024L * 1024 * 1024;

    /// <summary>
    /// Absolute paths of the folders the plugin may touch; relative paths resolve against the first root. On each call
    /// a stdio client's MCP roots (<c>file://</c>) are added; an HTTP client's roots only narrow these (with none
    /// configured, HTTP callers get no files access). The host's own folders are never reachable. With no roots at
    /// all, every call fails and says so.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> Roots { get; set; } = [];

    /// <summary>The most bytes one read returns; a longer file is cut, with a note saying where to read on.</summary>
    /// <value>The default value is 1 MiB (1048576).</value>
    public long MaxReadBytes { get; set; } = 1024 * 1024;

    /// <summary>The most bytes one write or edit may produce; a larger write is refused and writes nothing.</summary>
    /// <value>The default value is 1 MiB (1048576).</value>
    public long MaxWriteBytes { get; set; } = 1024 * 1024;

    /// <summary>The most hits one search returns.</summary>
    /// <value>The default value is 200.</value>
    public int MaxSearchResults { get; set; } = 200;

    /// <summary>The most entries one listing returns.</summary>
    /// <value>The default value is 1000.</value>
    public int MaxListEntries { get; set; } = 1000;

    /// <summary>Files larger than this are skipped by a text search.</summary>
    /// <value>The default value is 4 MiB (4194304).</value>
    public long MaxSearchFileBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Checks the settings.</summary>
    /// <returns>One message per problem, each naming the setting (for example <c>Lumina:Files:MaxReadBytes</c>); empty when all is well.</returns>
    public static IReadOnlyList<string> Validate(FilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Roots is null)
        {
            errors.Add("Lumina:Files:Roots must be a list of folders (it may be empty).");
        }
        else
        {
            for (var i = 0; i < options.Roots.Count; i++)
            {
                var root = options.Roots[i];
                if (string.IsNullOrWhiteSpace(root))
                {
                    errors.Add($"Lumina:Files:Roots:{i} is empty.");
                }
                else if (!Path.IsPathFullyQualified(root))
                {
                    errors.Add($"Lumina:Files:Roots:{i} ('{root}') must be an absolute path.");
                }
                else if (!Directory.Exists(root))
                {
                    errors.Add($"Lumina:Files:Roots:{i} ('{root}') is not an existing folder.");
                }
            }
        }

        Cap(options.MaxReadBytes, "MaxReadBytes", errors);
        Cap(options.MaxWriteBytes, "MaxWriteBytes", errors);
        Cap(options.MaxSearchFileBytes, "MaxSearchFileBytes", errors);
        Positive(options.MaxSearchResults, "MaxSearchResults", errors);
        Positive(options.MaxListEntries, "MaxListEntries", errors);
        return errors;
    }

    private static void Cap(long value, string name, List<string> errors)
    {
        if (value > MaxCap)
        {
            errors.Add($"Lumina:Files:{name} must be at most {MaxCap} bytes (1 GiB).");
        }
        else
        {
            Positive(value, name, errors);
        }
    }

    private static void Positive(long value, string name, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"Lumina:Files:{name} must be positive.");
        }
    }
}
