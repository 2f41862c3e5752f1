namespace Lumina.Core.Policy;

/// <summary>The policy guard's settings, bound from <c>Lumina:Policy</c>.</summary>
public sealed class PolicyOptions
{
    public const string SectionName = "Lumina:Policy";

    /// <summary>
    /// Whether a destructive call may run without the user's confirmation when the client cannot ask its user
    /// (no elicitation; in-process callers never can).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowDestructiveWithoutConfirmation { get; set; }

    /// <summary>
    /// Risk overrides, keyed <c>plugin.function</c> or <c>plugin</c> (the function's entry wins): <c>read-only</c>,
    /// <c>mutating</c>, <c>destructive</c> or <c>open-world</c>.
    /// </summary>
    public IDictionary<string, string> Risk { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-caller rate limits.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The largest arguments a call may carry, in bytes of their JSON; 0 lifts the cap.</summary>
    /// <value>The default value is 262144 (256 KiB).</value>
    public int MaxArgumentBytes { get; set; } = 256 * 1024;

    /// <summary>The largest result a call returns as it is, in UTF-8 bytes (structured results as JSON); 0 lifts the cap.</summary>
    /// <value>The default value is 1048576 (1 MiB).</value>
    public int MaxResultBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// What happens to a larger result: <c>truncate</c> (the first <see cref="MaxResultBytes"/> and a note) or
    /// <c>resource</c> (kept for a while and replaced by a <c>lumina://results/{id}</c> link the same caller can read).
    /// </summary>
    /// <value>The default value is <c>truncate</c>.</value>
    public string OversizeResults { get; set; } = "truncate";

    /// <summary>How long a result kept as a resource can be read.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many bytes of results kept as resources the host holds at most; the oldest go first.</summary>
    /// <value>The default value is 67108864 (64 MiB).</value>
    public long MaxStoredResultBytes { get; set; } = 64L * 1024 * 1024;

    internal bool KeepsOversizeResults => string.Equals(OversizeResults, "resource", StringComparison.OrdinalIgnoreCase);
}
