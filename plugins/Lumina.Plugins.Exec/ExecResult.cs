using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumina.Plugins.Exec;

/// <summary>What <c>exec_run</c> returns.</summary>
/// <param name="Language">What ran: <c>sh</c>, <c>python</c>, <c>node</c> or <c>js</c> (code mode).</param>
/// <param name="ExitCode">The program's exit code (128 + the signal when a signal ended it); 0 or 1 for code mode.</param>
/// <param name="Stdout">Standard output (code mode: <c>console.log</c>), cut at <c>Lumina:Exec:OutputBytes</c> with a marker.</param>
/// <param name="Stderr">Standard error (code mode: the error, if any), cut the same way.</param>
/// <param name="DurationMs">Wall-clock time of the run, in milliseconds.</param>
/// <param name="Stopped">Why Lumina stopped the run, when it did: <c>timeout</c>, <c>output_limit</c>, <c>cancelled</c>; code mode adds <c>statement_limit</c>, <c>memory_limit</c>, <c>recursion_limit</c>, <c>tool_call_limit</c>.</param>
public sealed record ExecResult(
    string Language,
    int ExitCode,
    string Stdout,
    string Stderr,
    long DurationMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Stopped = null)
{
    /// <summary>Whether stdout was cut.</summary>
    public bool StdoutTruncated { get; init; }

    /// <summary>Whether stderr was cut.</summary>
    public bool StderrTruncated { get; init; }

    /// <summary>The run's scratch directory as a resource (<c>exec://runs/{run}/</c>), when <c>Lumina:Exec:KeepScratch</c> keeps it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Scratch { get; init; }

    /// <summary>Code mode: the value the script returned.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Result { get; init; }

    /// <summary>Code mode: how many tools the script called.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ToolCalls { get; init; }
}
