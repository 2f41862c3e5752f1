using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>The client's answer to one <see cref="LuminaInputRequest"/>.</summary>
public sealed class LuminaInputResponse
{
    private LuminaInputResponse(LuminaInputKind kind, ElicitationResult? elicitation, ChatResponse? sampling, IReadOnlyList<ClientRoot>? roots)
    {
        Kind = kind;
        Elicitation = elicitation;
        Sampling = sampling;
        Roots = roots;
    }

    /// <summary>What was asked for.</summary>
    public LuminaInputKind Kind { get; }

    /// <summary>The user's answer, for <see cref="LuminaInputKind.Elicitation"/>.</summary>
    public ElicitationResult? Elicitation { get; }

    /// <summary>The model's completion, for <see cref="LuminaInputKind.Sampling"/>.</summary>
    public ChatResponse? Sampling { get; }

    /// <summary>The client's roots, for <see cref="LuminaInputKind.Roots"/>.</summary>
    public IReadOnlyList<ClientRoot>? Roots { get; }

    /// <summary>The user's answer.</summary>
    public static LuminaInputResponse FromElicitation(ElicitationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(LuminaInputKind.Elicitation, result, null, null);
    }

    /// <summary>The model's completion.</summary>
    public static LuminaInputResponse FromSampling(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(LuminaInputKind.Sampling, null, response, null);
    }

    /// <summary>The client's roots.</summary>
    public static LuminaInputResponse FromRoots(IReadOnlyList<ClientRoot> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        return new(LuminaInputKind.Roots, null, null, roots);
    }
}
