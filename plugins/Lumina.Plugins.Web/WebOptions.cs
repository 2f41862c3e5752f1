namespace Lumina.Plugins.Web;

/// <summary>Settings of the web plugin, bound from <c>Lumina:Web</c>.</summary>
public sealed class WebOptions
{
    /// <summary>The most a byte cap may be: a response is held in memory whole.</summary>
    private const long MaxCap = 256L * 1024 * 1024;

    /// <summary>
    /// When not empty, the only hosts that may be fetched: names, <c>*.suffix</c> (names under the suffix), addresses
    /// and CIDR blocks (matched against the resolved address). An address or CIDR entry also lets that address through
    /// the private-range rules — the way to open one intranet service; a name entry does not.
    /// </summary>
    /// <value>The default value is empty: any host whose address is public.</value>
    public IList<string> AllowedHosts { get; set; } = [];

    /// <summary>Hosts never fetched, in the same forms as <see cref="AllowedHosts"/>; they win over it.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> DeniedHosts { get; set; } = [];

    /// <summary>
    /// Whether RFC 1918, CGNAT (100.64.0.0/10) and IPv6 unique-local addresses may be fetched (intranet deployments).
    /// Loopback, link-local, cloud metadata, multicast and reserved addresses stay refused; only an address or CIDR
    /// entry in <see cref="AllowedHosts"/> opens those.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The most bytes one fetch reads, counted both as received and after decompression.</summary>
    /// <value>The default value is 5 MiB (5242880).</value>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The most UTF-8 bytes of content one call returns (a page); the caller's <c>maxBytes</c> may ask for less.</summary>
    /// <value>The default value is 64 KiB (65536).</value>
    public int PageBytes { get; set; } = 64 * 1024;

    /// <summary>The most time one fetch takes, every redirect and the whole body included.</summary>
    /// <value>The default value is 20 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a fetched response is kept and served again for the same URL to callers of the same role (paging
    /// through a long page fetches it once); zero turns the cache off.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>User-Agent</c> header sent.</summary>
    /// <value>The default value is <c>Lumina/0.1 (web_fetch)</c>.</value>
    public string UserAgent { get; set; } = "Lumina/0.1 (web_fetch)";

    /// <summary>
    /// What <c>web_fetch</c> does with a binary response (an image, a PDF, an archive): <c>refuse</c> it, or keep it
    /// as a <c>resource</c> the caller reads (<c>web://downloads/{id}</c>, for <see cref="BinaryRetention"/>).
    /// </summary>
    /// <value>The default value is <c>refuse</c>.</value>
    public string Binary { get; set; } = "refuse";

    /// <summary>How long a binary response kept as a resource can be read.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan BinaryRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether binary responses are kept as resources.</summary>
    internal bool KeepsBinary => string.Equals(Binary, "resource", StringComparison.OrdinalIgnoreCase);

    /// <summary>The search endpoint behind <c>web_search</c>; the tool is served only when one is configured.</summary>
    public WebSearchOptions Search { get; set; } = new();

    /// <summary>Checks the settings.</summary>
    /// <returns>One message per problem, each naming the setting (for example <c>Lumina:Web:MaxBytes</c>); empty when all is well.</returns>
    public static IReadOnlyList<string> Validate(WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        HostRules.Parse(options.AllowedHosts, "Lumina:Web:AllowedHosts", errors);
        HostRules.Parse(options.DeniedHosts, "Lumina:Web:DeniedHosts", errors);
        if (options.MaxBytes <= 0 || options.MaxBytes > MaxCap)
        {
            errors.Add($"Lumina:Web:MaxBytes must be between 1 and {MaxCap} bytes (256 MiB).");
        }

        if (options.PageBytes < 256 || options.PageBytes > options.MaxBytes)
        {
            errors.Add("Lumina:Web:PageBytes must be at least 256 and at most Lumina:Web:MaxBytes.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(10))
        {
            errors.Add("Lumina:Web:Timeout must be positive and at most 10 minutes (for example 00:00:20).");
        }

        if (options.CacheTtl < TimeSpan.Zero || options.CacheTtl > TimeSpan.FromDays(1))
        {
            errors.Add("Lumina:Web:CacheTtl must be between 00:00:00 (off) and 1 day.");
        }

        if (string.IsNullOrWhiteSpace(options.UserAgent) || options.UserAgent.Any(char.IsControl))
        {
            errors.Add("Lumina:Web:UserAgent must be a non-empty header value without control characters.");
        }

        if (options.Binary is null || (!options.Binary.Equals("refuse", StringComparison.OrdinalIgnoreCase) && !options.KeepsBinary))
        {
            errors.Add($"Lumina:Web:Binary must be refuse or resource (got '{options.Binary}').");
        }

        if (options.BinaryRetention <= TimeSpan.Zero || options.BinaryRetention > TimeSpan.FromDays(1))
        {
            errors.Add("Lumina:Web:BinaryRetention must be positive and at most 1 day.");
        }

        if (options.Search is null)
        {
            errors.Add("Lumina:Web:Search must be a section (it may be empty).");
        }
        else
        {
            options.Search.Validate(errors);
        }

        return errors;
    }
}
