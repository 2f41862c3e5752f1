using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>
/// One thing a call needs from its client before it can finish: the user's answer, a completion from the client's
/// model, or the client's roots. Several go to <see cref="ILuminaCallContext.RequestInputAsync"/> at once, each under a
/// key the call chooses.
/// </summary>
public sealed class LuminaInputRequest
{
    private LuminaInputRequest(LuminaInputKind kind, ElicitationRequest? elicitation, IReadOnlyList<ChatMessage>? messages, ChatOptions? options)
    {
        Kind = kind;
        Elicitation = elicitation;
        Messages = messages;
        Options = options;
    }

    /// <summary>What is asked for.</summary>
    public LuminaInputKind Kind { get; }

    /// <summary>The question, for <see cref="LuminaInputKind.Elicitation"/>.</summary>
    public ElicitationRequest? Elicitation { get; }

    /// <summary>The conversation for the client's model, for <see cref="LuminaInputKind.Sampling"/>.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; }

    /// <summary>The options of the completion (such as its maximum length), for <see cref="LuminaInputKind.Sampling"/>.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Asks the user <paramref name="request"/>.</summary>
    public static LuminaInputRequest Elicit(ElicitationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(LuminaInputKind.Elicitation, request, null, null);
    }

    /// <summary>Asks the client's model to complete <paramref name="messages"/>.</summary>
    public static LuminaInputRequest Sample(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new(LuminaInputKind.Sampling, null, [.. messages], options);
    }

    /// <summary>Asks for the client's roots.</summary>
    public static LuminaInputRequest ListRoots() => new(LuminaInputKind.Roots, null, null, null);
}
