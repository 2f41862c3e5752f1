namespace Lumina.Plugins.Exec;

/// <summary>The hard limits of one code-mode script (<see cref="JsCodeRunner"/>).</summary>
/// <param name="Timeout">The wall-clock time of the whole run, tool calls included.</param>
/// <param name="MaxStatements">The statements the script may execute (capped at <see cref="int.MaxValue"/>).</param>
/// <param name="MemoryBytes">The managed bytes the script may allocate, counted on the interpreter's thread.</param>
/// <param name="MaxRecursion">The depth of nested JavaScript calls.</param>
/// <param name="MaxToolCalls">The tool calls the script may make.</param>
/// <param name="OutputBytes">The UTF-8 bytes of console output kept; the rest is counted and dropped.</param>
internal sealed record JsLimits(TimeSpan Timeout, long MaxStatements, long MemoryBytes, int MaxRecursion, int MaxToolCalls, int OutputBytes);
