using System.Text.Json;
using Lumina.Abstractions;

namespace Lumina.Plugins.System.Tests;

public sealed class SystemPluginTests
{
    private static readonly LuminaHostDescription s_description = new(
        "lumina",
        "1.2.3",
        ".NET 10",
        "Linux",
        new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero),
        [new LuminaPluginDescription("files", "Files.", "builtin", [new LuminaFunctionDescription("read", "Reads.", "tool")])],
        [new LuminaProviderDescription("sampling", "sampling", null)]);

    private readonly SystemPlugin _plugin = new(new FixedHost());

    [Fact]
    public void Describe_ReturnsTheHostsDescription() => _plugin.Describe().Should().BeSameAs(s_description);

    [Fact]
    public void Host_IsIndentedCamelCaseJson()
    {
        var json = _plugin.Host();
        using var document = JsonDocument.Parse(json);

        json.Should().Contain("\n  \"version\": \"1.2.3\"");
        document.RootElement.GetProperty("plugins")[0].GetProperty("functions")[0].GetProperty("kind").GetString().Should().Be("tool");
        document.RootElement.GetProperty("providers")[0].GetProperty("model").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Host_IsServedAsTheSystemResource()
    {
        var attribute = typeof(SystemPlugin).GetMethod(nameof(SystemPlugin.Host))!
            .GetCustomAttributes(typeof(LuminaResourceAttribute), false).OfType<LuminaResourceAttribute>().Single();

        attribute.Uri.Should().Be("lumina://system");
        attribute.MimeType.Should().Be("application/json");
    }

    private sealed class FixedHost : ILuminaHostInfo
    {
        public LuminaHostDescription Describe() => s_description;
    }
}
