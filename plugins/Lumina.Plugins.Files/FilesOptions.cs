namespace Lumina.Plugins.Files;

/// <summary>Settings of the files plugin, bound from <c>Lumina:Files</c>.</summary>
public sealed class FilesOptions
{
    /// <summary>Folders the plugin may touch. The client's MCP roots are added on each call.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Roots { get; set; } = [];

    /// <summary>The most bytes one read returns; longer files are cut with a note.</summary>
    /// <value>The default value is 1 MiB.</value>
    public long MaxReadBytes { get; set; } = 1024 * 1024;

    /// <summary>The most bytes one write or edit may produce.</summary>
    /// <value>The default value is 1 MiB.</value>
    public long MaxWriteBytes { get; set; } = 1024 * 1024;

    /// <summary>The most matches one search returns.</summary>
    /// <value>The default value is 200.</value>
    public int MaxSearchResults { get; set; } = 200;

    /// <summary>The most entries one listing returns.</summary>
    /// <value>The default value is 1000.</value>
    public int MaxListEntries { get; set; } = 1000;

    /// <summary>Files larger than this are skipped by a text search.</summary>
    /// <value>The default value is 4 MiB.</value>
    public long MaxSearchFileBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Checks the settings; each message names the setting that is wrong.</summary>
    public static IReadOnlyList<string> Validate(FilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
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

        Positive(options.MaxReadBytes, "MaxReadBytes", errors);
        Positive(options.MaxWriteBytes, "MaxWriteBytes", errors);
        Positive(options.MaxSearchResults, "MaxSearchResults", errors);
        Positive(options.MaxListEntries, "MaxListEntries", errors);
        Positive(options.MaxSearchFileBytes, "MaxSearchFileBytes", errors);
        return errors;
    }

    private static void Positive(long value, string name, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"Lumina:Files:{name} must be positive.");
        }
    }
}
