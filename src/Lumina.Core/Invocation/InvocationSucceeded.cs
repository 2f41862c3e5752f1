using Microsoft.SemanticKernel;

namespace Lumina.Core.Invocation;

/// <summary>The call ran and returned <see cref="Result"/> (for a rendered prompt template, the rendered text).</summary>
public sealed record InvocationSucceeded : InvocationOutcome
{
    internal InvocationSucceeded(string name, FunctionResult result)
        : base(name) => Result = result;

    /// <summary>What the function returned, as the kernel's filters left it (the policy guard may have capped it).</summary>
    public FunctionResult Result { get; }
}
