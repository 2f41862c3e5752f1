using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Lumina.Abstractions;

/// <summary>
/// The answers to the requests of one <see cref="ILuminaCallContext.RequestInputAsync"/>, by the keys the call chose,
/// and the state the call passed along with them.
/// </summary>
public sealed class LuminaInputAnswers
{
    public LuminaInputAnswers(IReadOnlyDictionary<string, LuminaInputResponse> responses, JsonNode? state = null)
    {
        ArgumentNullException.ThrowIfNull(responses);
        Responses = responses;
        State = state;
    }

    /// <summary>Every answer, by key.</summary>
    public IReadOnlyDictionary<string, LuminaInputResponse> Responses { get; }

    /// <summary>
    /// The state the call gave with its requests, back as it was given. Over a stateless transport it made the round
    /// trip through the client, signed, so the client could not change it.
    /// </summary>
    public JsonNode? State { get; }

    /// <summary>The user's answer under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No elicitation was asked under <paramref name="key"/>.</exception>
    public ElicitationResult Elicitation(string key) => Get(key).Elicitation ?? throw NotOfKind(key, LuminaInputKind.Elicitation);

    /// <summary>The model's completion under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No sampling was asked under <paramref name="key"/>.</exception>
    public ChatResponse Sampling(string key) => Get(key).Sampling ?? throw NotOfKind(key, LuminaInputKind.Sampling);

    /// <summary>The client's roots under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No roots were asked under <paramref name="key"/>.</exception>
    public IReadOnlyList<ClientRoot> Roots(string key) => Get(key).Roots ?? throw NotOfKind(key, LuminaInputKind.Roots);

    private LuminaInputResponse Get(string key) =>
        Responses.TryGetValue(key, out var response) ? response : throw new KeyNotFoundException($"No input was asked under '{key}'.");

    private static KeyNotFoundException NotOfKind(string key, LuminaInputKind kind) => new($"The input under '{key}' is not of kind {kind}.");
}
