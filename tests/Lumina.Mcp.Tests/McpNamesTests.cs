using Lumina.Core;
using Lumina.Core.Tools;
namespace Lumina.Mcp.Tests;

public sealed class McpNamesTests
{
    [Fact]
    public void For_ShortName_IsLowerSnakeCase() => McpNames.For("Files", "read").Should().Be("files_read");

    [Fact]
    public void For_OddCharacters_AreReplaced() => McpNames.For("my plugin", "do/it").Should().Be("my_plugin_do_it");

    [Fact]
    public void For_LongName_IsCutTo64WithAStableHash()
    {
        var name = McpNames.For(new string('p', 40), new string('f', 40));

        name.Length.Should().Be(64);
        name.Should().Be(McpNames.For(new string('p', 40), new string('f', 40)));
        name.Should().NotBe(McpNames.For(new string('p', 40), new string('f', 41)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("x/y")]
    public void Declared_InvalidName_Throws(string name) => ((Action)(() => McpNames.Declared(name))).Should().Throw<ArgumentException>();
}
