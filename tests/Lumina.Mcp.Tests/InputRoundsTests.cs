using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Lumina.Mcp.Tests;

/// <summary>
/// The rounds of a stateless call (SEP-2322): each run of the call gets the earlier answers back from the signed state,
/// the pending ones from the retry, and a new question ends the run with a state holding every answer so far.
/// </summary>
public sealed class InputRoundsTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly RequestStateProtector _protector;

    public InputRoundsTests() => _protector = new(RequestStateProtector.KeyFor("a-key-for-the-tests-of-thirty-two-bytes"), _time);

    [Fact]
    public void FirstRun_EndsWithTheQuestionsAndASignedState()
    {
        var run = Start(answers: null, state: null);

        var asked = Asking(() => run.Answer(Name("step1"), null));

        asked.Requests.Keys.Should().Equal("step1");
        asked.RequestState.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void ThreeRuns_AnswerTwoRoundsInTurn_AndGiveBackTheStateOfEachRound()
    {
        var first = Asking(() => Start(null, null).Answer(Name("step1"), new JsonObject { ["round"] = 1 }));

        var second = Start(Answers(("step1", "Ada")), first.RequestState);
        var step1 = second.Answer(Name("step1"), new JsonObject { ["round"] = 1 });
        var asked = Asking(() => second.Answer(Name("step2"), new JsonObject { ["round"] = 2 }));

        var third = Start(Answers(("step2", "green")), asked.RequestState);
        var again1 = third.Answer(Name("step1"), new JsonObject { ["round"] = 99 });
        var step2 = third.Answer(Name("step2"), new JsonObject { ["round"] = 2 });

        Value(step1, "step1").Should().Be("Ada");
        asked.Requests.Keys.Should().Equal("step2");
        Value(again1, "step1").Should().Be("Ada", "the first round's answer comes back from the state");
        again1.State!["round"]!.GetValue<int>().Should().Be(1, "a round's state is the one given when it was asked");
        Value(step2, "step2").Should().Be("green");
    }

    [Fact]
    public void PartialAnswers_AskForWhatIsMissingOnly_AndKeepWhatWasGiven()
    {
        var both = new Dictionary<string, LuminaInputRequest>(Name("first")) { ["second"] = Name("second")["second"] };
        var start = Asking(() => Start(null, null).Answer(both, null));

        var partly = Asking(() => Start(Answers(("first", "one")), start.RequestState).Answer(both, null));
        var done = Start(Answers(("second", "two")), partly.RequestState).Answer(both, null);

        partly.Requests.Keys.Should().Equal("second");
        Value(done, "first").Should().Be("one");
        Value(done, "second").Should().Be("two");
    }

    [Fact]
    public void AnswerOfTheWrongShape_IsAskedForAgain()
    {
        var start = Asking(() => Start(null, null).Answer(Name("step1"), null));
        var shapeless = new Dictionary<string, InputResponse> { ["step1"] = new() { RawValue = JsonSerializer.SerializeToElement(new { content = new { name = "x" } }) } };

        var again = Asking(() => Start(shapeless, start.RequestState).Answer(Name("step1"), null));

        again.Requests.Keys.Should().Equal("step1");
    }

    [Fact]
    public void ExpiredState_IsRefused()
    {
        var start = Asking(() => Start(null, null).Answer(Name("step1"), null));
        _time.Advance(Lifetime + TimeSpan.FromSeconds(1));

        var retry = () => Start(Answers(("step1", "Ada")), start.RequestState);

        retry.Should().Throw<McpProtocolException>().Which.ErrorCode.Should().Be(McpErrorCode.InvalidParams);
    }

    [Fact]
    public void State_OfAnotherCaller_OrOtherArguments_IsRefused()
    {
        var start = Asking(() => Start(null, null).Answer(Name("step1"), null));

        var otherCaller = () => Start(Answers(("step1", "Ada")), start.RequestState, caller: "mallory");
        var otherArguments = () => Start(Answers(("step1", "Ada")), start.RequestState, arguments: new JsonObject { ["path"] = "/etc" });

        otherCaller.Should().Throw<McpProtocolException>();
        otherArguments.Should().Throw<McpProtocolException>();
    }

    [Fact]
    public void State_WhoseArgumentsComeInAnotherOrder_IsTheSameCall()
    {
        var start = Asking(() => Start(null, null, arguments: new JsonObject { ["a"] = 1, ["b"] = 2 }).Answer(Name("step1"), null));

        var answers = Start(Answers(("step1", "Ada")), start.RequestState, arguments: new JsonObject { ["b"] = 2, ["a"] = 1 }).Answer(Name("step1"), null);

        Value(answers, "step1").Should().Be("Ada");
    }

    private InputRounds Start(IDictionary<string, InputResponse>? answers, string? state, string caller = "alice", JsonObject? arguments = null)
    {
        var parameters = new CallToolRequestParams { Name = "sample_ask", InputResponses = answers, RequestState = state };
        var request = new JsonRpcRequest
        {
            Method = RequestMethods.ToolsCall,
            Params = new JsonObject { ["name"] = "sample_ask", ["arguments"] = arguments ?? new JsonObject { ["a"] = 1 } },
        };
        return InputRounds.Start(request, parameters, caller, _protector, Lifetime);
    }

    private static LuminaInputRequiredException Asking(Action run) =>
        run.Should().Throw<LuminaInputRequiredException>().Which;

    private static Dictionary<string, LuminaInputRequest> Name(string key) => new()
    {
        [key] = LuminaInputRequest.Elicit(new ElicitationRequest("Your " + key + "?", new ElicitationSchema().Text("value", required: true).Build())),
    };

    private static Dictionary<string, InputResponse> Answers(params (string Key, string Value)[] answers) =>
        answers.ToDictionary(a => a.Key, a => InputResponse.FromElicitResult(new ElicitResult
        {
            Action = "accept",
            Content = new Dictionary<string, JsonElement> { ["value"] = JsonSerializer.SerializeToElement(a.Value) },
        }));

    private static string Value(LuminaInputAnswers answers, string key) => answers.Elicitation(key).Content!["value"].GetString()!;
}
