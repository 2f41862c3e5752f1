using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Lumina.Core.Plugins;
using Lumina.Core.Tools;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Tools;

/// <summary>
/// Issue 13, item 3: strings that are valid JSON but not text (an escaped UTF-16 surrogate without its pair) are found
/// before anything reads them, wherever they are, and a tool argument that is one is refused naming the argument.
/// </summary>
public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"a":"\ud800"}""", true)]
    [InlineData("""{"a":"\udc00"}""", true)]
    [InlineData("""{"a":"x\uDE00\uD83Dy"}""", true)]
    [InlineData("""{"\ud83d":1}""", true)]
    [InlineData("""{"a":["ok","\ud800"]}""", true)]
    [InlineData("""{"a":"\ud83d"}""", true)]
    [InlineData("""{"a":"\ud83d\ude00"}""", false)]
    [InlineData("""{"a":"\\ud800"}""", false)]
    [InlineData("""{"a":"\\\ud83d\ude00\n\"\u0041"}""", false)]
    [InlineData("""{"a":"😀 plain"}""", false)]
    public void HasUnpairedSurrogate_FindsExactlyTheStringsThatAreNotText(string json, bool expected)
    {
        using var document = JsonDocument.Parse(json);
        var decodes = Decodes(document.RootElement);

        JsonText.HasUnpairedSurrogate(Encoding.UTF8.GetBytes(json).AsSpan()).Should().Be(expected);
        decodes.Should().Be(!expected, "the scan agrees with the reader");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"t","arguments":{"zone":"\ud800"}}}""", -32602, "'params.arguments.zone'", "4")]
    [InlineData("""{"jsonrpc":"2.0","id":"s","method":"m","params":{"items":[1,{"\udfff":2}]}}""", -32602, "the member name 'params.items[1].\\udfff'", "\"s\"")]
    [InlineData("""{"\ud800":1,"id":9}""", -32600, "the member name '\\ud800'", "9")]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"m"}""", -32600, "'id'", null)]
    public void Refuse_NamesThePlaceAndKeepsAReadableId(string json, int code, string named, string? id)
    {
        using var document = JsonDocument.Parse(json);

        var refusal = JsonText.Refuse(document.RootElement);

        refusal.Should().NotBeNull();
        refusal!.Value.Code.Should().Be(code);
        refusal.Value.Message.Should().Contain(named);
        (refusal.Value.Id.ValueKind == JsonValueKind.Undefined ? null : refusal.Value.Id.GetRawText()).Should().Be(id);
    }

    [Fact]
    public void Refuse_LeavesAResponseToTheReaderOfItsResult()
    {
        using var document = JsonDocument.Parse("""{"jsonrpc":"2.0","id":1,"result":{"text":"\ud800"}}""");

        JsonText.Refuse(document.RootElement).Should().BeNull();
    }

    [Fact]
    public void Binder_RefusesAnArgumentThatIsNotText_NamingIt()
    {
        var plugin = KernelPluginFactory.CreateFromObject(new Clock(), "clock");
        var function = new LuminaFunction("clock", plugin["now"], template: null);
        using var arguments = JsonDocument.Parse("""{"zone":"\ud800"}""");

        var bind = () => KernelArgumentBinder.Bind(function, arguments.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value), "clock_now");

        bind.Should().Throw<LuminaArgumentException>().WithMessage("The argument 'zone' of 'clock_now' is not text*");
    }

    private static bool Decodes(JsonElement element)
    {
        try
        {
            _ = element.ToString();
            return Walk(element);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Walk(property.Value);
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }

                return true;
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            default:
                return true;
        }
    }

    private sealed class Clock
    {
        [KernelFunction("now"), Description("The time.")]
        public string Now([Description("The zone.")] string zone) => zone;
    }
}
