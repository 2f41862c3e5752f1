namespace Lumina.Core.Catalog;

/// <summary>How tools/list presents the catalog, bound from <c>Lumina:Catalog</c>.</summary>
public sealed class CatalogOptions
{
    /// <summary>
    /// <c>full</c>: every tool the caller may use. <c>search</c>: three meta-tools (<c>tools_search</c>,
    /// <c>tools_describe</c>, <c>tools_call</c>) instead. <c>auto</c>: search once the caller's visible catalog exceeds
    /// <see cref="SearchThreshold"/>.
    /// </summary>
    /// <value>The default value is <c>full</c>.</value>
    public string Mode { get; set; } = "full";

    /// <summary>In <c>auto</c> mode, the most tools a caller is shown before the meta-tools replace them.</summary>
    /// <value>The default value is 40.</value>
    public int SearchThreshold { get; set; } = 40;

    /// <summary>
    /// Whether the output schemas of the plugins' result types are kept in the data directory from one start to the
    /// next (<c>catalog-schemas.json</c>), so a start builds only those of changed plugins.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SchemaSnapshot { get; set; } = true;

    /// <summary>Whether the meta-tools are served (<c>search</c> or <c>auto</c>).</summary>
    public bool ServesSearch => !string.Equals(Mode, "full", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether tools/list should show the meta-tools instead of <paramref name="visible"/> tools.</summary>
    public bool Searches(int visible) =>
        string.Equals(Mode, "search", StringComparison.OrdinalIgnoreCase)
        || (string.Equals(Mode, "auto", StringComparison.OrdinalIgnoreCase) && visible > SearchThreshold);

    /// <summary>Checks the settings; one message per problem.</summary>
    public static IReadOnlyList<string> Validate(CatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Mode is not ("full" or "search" or "auto"))
        {
            errors.Add($"Lumina:Catalog:Mode must be full, search or auto (got '{options.Mode}').");
        }

        if (options.SearchThreshold is < 1 or > 100_000)
        {
            errors.Add($"Lumina:Catalog:SearchThreshold must be between 1 and 100000 (got {options.SearchThreshold}).");
        }

        return errors;
    }
}

/// <summary>Checks <c>Lumina:Catalog</c> at start.</summary>
internal sealed class CatalogOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<CatalogOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var errors = CatalogOptions.Validate(options);
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
