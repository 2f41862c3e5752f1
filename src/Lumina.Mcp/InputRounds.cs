using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp;

/// <summary>
/// The answers a stateless request (MCP 2026-07-28, SEP-2322) brings to its call's questions. A call that asks its
/// client something ends the request with an input-required result; the client retries with the answers and the signed
/// request state, and the call runs again from the start: questions asked in earlier rounds are answered at once from
/// the state, the pending round from the client's <c>inputResponses</c>, and a new question ends this request the same
/// way, with the state now holding every answer so far.
/// </summary>
/// <remarks>
/// The state is bound to the call (the method, the function, its arguments and the caller), so answers given to one
/// call cannot be replayed into another. Answers missing from a retry are asked for again; answers nobody asked for are
/// ignored; an answer of the wrong shape is asked for again too.
/// </remarks>
internal sealed class InputRounds
{
    private readonly RequestStateProtector _protector;
    private readonly Lazy<string> _binding;
    private readonly TimeSpan _lifetime;
    private readonly List<JsonObject> _rounds;
    private readonly JsonObject _partial;
    private readonly JsonNode? _pendingState;
    private readonly int _pending;
    private IDictionary<string, InputResponse>? _answers;
    private int _next;

    private InputRounds(RequestStateProtector protector, Lazy<string> binding, TimeSpan lifetime, List<JsonObject> rounds, JsonObject partial, JsonNode? pendingState, IDictionary<string, InputResponse>? answers)
    {
        _protector = protector;
        _binding = binding;
        _lifetime = lifetime;
        _rounds = rounds;
        _partial = partial;
        _pendingState = pendingState;
        _pending = rounds.Count;
        _answers = answers;
    }

    /// <summary>The rounds of <paramref name="request"/>, checked.</summary>
    /// <remarks>The call's binding is computed only when a state is checked or made: most calls ask nothing.</remarks>
    /// <exception cref="McpProtocolException">The request state was not issued here for this call, or has expired (invalid params).</exception>
    public static InputRounds Start(JsonRpcRequest request, RequestParams? parameters, string callerId, RequestStateProtector protector, TimeSpan lifetime)
    {
        var binding = new Lazy<string>(() => Binding(request, callerId), LazyThreadSafetyMode.None);
        var rounds = new List<JsonObject>();
        var partial = new JsonObject();
        JsonNode? pendingState = null;
        if (parameters?.RequestState is { Length: > 0 } state)
        {
            var payload = protector.Unprotect(state, binding.Value) ?? throw new McpProtocolException(
                "requestState was not issued by this server for this call, was changed, or has expired; call again without it to start over.",
                McpErrorCode.InvalidParams);
            rounds.AddRange((payload["r"] as JsonArray ?? []).OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()));
            partial = payload["p"] is JsonObject p ? (JsonObject)p.DeepClone() : partial;
            pendingState = payload["s"]?.DeepClone();
        }

        return new InputRounds(protector, binding, lifetime, rounds, partial, pendingState, parameters?.InputResponses);
    }

    /// <summary>The answers to the next question of the call, or the input-required ending when the client has not given them yet.</summary>
    /// <exception cref="LuminaInputRequiredException">The answers are not here yet.</exception>
    public LuminaInputAnswers Answer(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonNode? state)
    {
        var index = _next++;
        if (index < _rounds.Count)
        {
            var round = _rounds[index];
            var answers = Read(requests, round["a"] as JsonObject, out _);
            if (answers.Count == requests.Count)
            {
                return new LuminaInputAnswers(answers, round["s"]?.DeepClone());
            }

            // The call asked something else this time: what it was told before no longer applies.
            _rounds.RemoveRange(index, _rounds.Count - index);
        }

        var given = new JsonObject();
        if (index == _pending)
        {
            foreach (var (key, value) in _partial)
            {
                given[key] = value?.DeepClone();
            }

            foreach (var (key, value) in _answers ?? new Dictionary<string, InputResponse>())
            {
                given[key] = JsonSerializer.SerializeToNode(value.RawValue, McpJsonUtilities.DefaultOptions);
            }

            _answers = null;
        }

        var read = Read(requests, given, out var usable);
        var kept = index == _pending ? _pendingState?.DeepClone() ?? state?.DeepClone() : state?.DeepClone();
        if (read.Count == requests.Count)
        {
            _rounds.Add(new JsonObject { ["a"] = usable, ["s"] = kept?.DeepClone() });
            return new LuminaInputAnswers(read, kept);
        }

        var missing = requests.Where(r => !read.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        var payload = new JsonObject
        {
            ["r"] = new JsonArray([.. _rounds.Select(r => (JsonNode)r.DeepClone())]),
            ["p"] = usable,
            ["s"] = kept,
        };
        throw new LuminaInputRequiredException(missing, _protector.Protect(payload, _binding.Value, _lifetime));
    }

    /// <summary>The answers in <paramref name="given"/> that fit <paramref name="requests"/>, and their JSON.</summary>
    private static Dictionary<string, LuminaInputResponse> Read(IReadOnlyDictionary<string, LuminaInputRequest> requests, JsonObject? given, out JsonObject usable)
    {
        usable = [];
        var read = new Dictionary<string, LuminaInputResponse>(StringComparer.Ordinal);
        if (given is null)
        {
            return read;
        }

        foreach (var (key, request) in requests)
        {
            if (given[key] is JsonObject answer && Parse(request.Kind, answer) is { } response)
            {
                read[key] = response;
                usable[key] = answer.DeepClone();
            }
        }

        return read;
    }

    /// <summary>The client's answer to a question of <paramref name="kind"/>, or <see langword="null"/> when it is not of that shape.</summary>
    public static LuminaInputResponse? Parse(LuminaInputKind kind, JsonObject answer)
    {
        try
        {
            switch (kind)
            {
                case LuminaInputKind.Elicitation:
                    if (answer["action"]?.GetValueKind() != JsonValueKind.String)
                    {
                        return null; // The SDK's type defaults a missing action to "cancel"; the schema requires one.
                    }

                    var elicited = answer.Deserialize<ElicitResult>(McpJsonUtilities.DefaultOptions);
                    var action = elicited?.Action switch
                    {
                        "accept" => ElicitationAction.Accept,
                        "decline" => ElicitationAction.Decline,
                        "cancel" => ElicitationAction.Cancel,
                        _ => (ElicitationAction?)null,
                    };
                    return action is null
                        ? null
                        : LuminaInputResponse.FromElicitation(new ElicitationResult(action.Value, elicited!.Content is null ? null : new Dictionary<string, JsonElement>(elicited.Content)));
                case LuminaInputKind.Sampling:
                    var sampled = answer.Deserialize<CreateMessageResult>(McpJsonUtilities.DefaultOptions);
                    return sampled?.Content is null ? null : LuminaInputResponse.FromSampling(SamplingMessages.ToResponse(sampled));
                default:
                    var roots = answer.Deserialize<ListRootsResult>(McpJsonUtilities.DefaultOptions);
                    return roots?.Roots is null ? null : LuminaInputResponse.FromRoots([.. roots.Roots.Select(r => new ClientRoot(r.Uri, r.Name))]);
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What a request state is bound to: the method, what it names and its arguments (in canonical form), and the caller.</summary>
    private static string Binding(JsonRpcRequest request, string callerId)
    {
        var call = request.Params is JsonObject parameters ? (JsonObject)parameters.DeepClone() : [];
        call.Remove("_meta");
        call.Remove("inputResponses");
        call.Remove("requestState");
        var text = $"{request.Method}\n{callerId}\n{Canonical(call)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
