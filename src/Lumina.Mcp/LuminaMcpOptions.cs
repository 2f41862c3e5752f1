using Lumina.Abstractions;

namespace Lumina.Mcp;

/// <summary>How the kernel is served over MCP (<c>Lumina:Mcp</c>).</summary>
public sealed class LuminaMcpOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Lumina:Mcp";

    /// <summary>The transport this server runs on; decides who an unauthenticated caller is.</summary>
    /// <value>The default value is <see cref="LuminaTransport.Stdio"/>.</value>
    public LuminaTransport Transport { get; set; } = LuminaTransport.Stdio;

    /// <summary>
    /// The role of the local user on stdio (the process owner), overriding <c>Lumina:Auth:LocalRole</c> when set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>Lumina:Auth:LocalRole</c> (default <c>user</c>) applies.</value>
    public string? LocalRole { get; set; }

    /// <summary>The tool set (<c>Lumina:ToolSets:&lt;name&gt;</c>) the stdio caller sees (<c>lumina --toolset &lt;name&gt;</c>); null for every tool its role allows.</summary>
    public string? ToolSet { get; set; }

    /// <summary>The most resource subscriptions one session may hold; one more is refused until it unsubscribes.</summary>
    /// <value>The default value is 100.</value>
    public int MaxSubscriptionsPerSession { get; set; } = 100;

    /// <summary>The most resource subscriptions the server holds for all its sessions together.</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxSubscriptions { get; set; } = 10_000;

    /// <summary>The longest resource URI (in characters) a client may subscribe to; a longer one is refused before it is looked at.</summary>
    /// <value>The default value is 2,048.</value>
    public int MaxResourceUriLength { get; set; } = 2048;

    /// <summary>
    /// The key that signs the request state of input-required results (MCP 2026-07-28), so a client cannot change the
    /// earlier answers it holds between rounds. Hosts behind one address need the same key. Unset, the key is derived
    /// from <c>Lumina:Auth:SigningKey</c>, and without that made at start.
    /// </summary>
    public string? RequestStateKey { get; set; }

    /// <summary>How long a client has to answer an input-required result before its call must start over.</summary>
    /// <value>The default value is 30 minutes.</value>
    public TimeSpan InputTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a task (the tasks extension) is kept after its last change; its result can be fetched until then.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan TaskTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a client is told to poll a task, and how often the host running it looks for answers and cancellations made on other hosts.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan TaskPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most tasks one caller may have running on this host at once; one more call that would be a task is refused until one ends.</summary>
    /// <value>The default value is 32.</value>
    public int MaxTasksPerCaller { get; set; } = 32;
}
