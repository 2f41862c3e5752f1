namespace Lumina.Workflows.Engine;

/// <summary>How workflows are found and run (<c>Lumina:Workflows</c>).</summary>
public sealed class WorkflowOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Lumina:Workflows";

    /// <summary>Folders of workflow files (<c>*.yaml</c>, <c>*.yml</c>) besides the shipped <c>workflows/</c>.</summary>
    public IList<string> Directories { get; } = [];

    /// <summary>Whether the shipped example workflows are served.</summary>
    /// <value>The default value is true.</value>
    public bool Examples { get; set; } = true;

    /// <summary>
    /// How long a call of <c>workflow_&lt;name&gt;</c> waits for its run to finish before it answers with the run id
    /// (the run goes on; its resource <c>workflow://runs/{id}</c> reports it).
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan SyncWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the host running a run says so in the store, and looks for a cancellation.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many heartbeats a runner may miss before another host (or this one, restarted) takes its run over.</summary>
    /// <value>The default value is 3.</value>
    public int MissedHeartbeats { get; set; } = 3;

    /// <summary>How long a finished run, its checkpoints and its steps are kept.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether interrupted runs are resumed automatically (at start and while the host runs).</summary>
    /// <value>The default value is true.</value>
    public bool AutoResume { get; set; } = true;

    /// <summary>Whether <c>plan_run</c> asks the user to confirm a plan before it runs (elicitation).</summary>
    /// <value>The default value is true.</value>
    public bool ConfirmPlans { get; set; } = true;

    /// <summary>How many times <c>plan</c> sends a plan's errors back to the model for a corrected one.</summary>
    /// <value>The default value is 2.</value>
    public int PlanRepairRounds { get; set; } = 2;

    /// <summary>The age after which a runner that stopped saying it runs a run is taken for dead.</summary>
    public TimeSpan StaleAfter => Heartbeat * Math.Max(1, MissedHeartbeats);
}
