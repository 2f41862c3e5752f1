namespace Lumina.Workflows.Engine;

/// <summary>
/// The message that flows along the engine's edges: the run's context as JSON text (<c>inputs</c> and the finished
/// <c>steps</c>). It is what a checkpoint keeps between steps, so it is plain serializable data.
/// </summary>
/// <param name="Context">The context: <c>{"inputs": {…}, "steps": {"&lt;id&gt;": {"result": …, "outputs": {…}}}}</c>.</param>
public sealed record WorkflowToken(string Context);
