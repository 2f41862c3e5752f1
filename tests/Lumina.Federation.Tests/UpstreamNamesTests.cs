using Lumina.Federation;

namespace Lumina.Federation.Tests;

public sealed class UpstreamNamesTests
{
    [Theory]
    [InlineData("everything", "get-sum", "everything_get-sum")]
    [InlineData("github", "create_issue", "github_create_issue")]
    [InlineData("db", "query.run", "db_query.run")]
    [InlineData("db", "run query/now", "db_run_query_now")]
    public void Served_IsServerUnderscoreTool_WithOnlyTheCharactersMcpAllows(string server, string tool, string served) =>
        UpstreamNames.Served(server, tool).Should().Be(served);

    [Fact]
    public void Served_ALongName_IsCutToSixtyFour_TheSameEveryTime_AndDistinct()
    {
        var a = UpstreamNames.Served("a-long-server-name", new string('x', 80) + "one");
        var b = UpstreamNames.Served("a-long-server-name", new string('x', 80) + "two");

        a.Length.Should().Be(UpstreamNames.MaxServedLength);
        a.Should().Be(UpstreamNames.Served("a-long-server-name", new string('x', 80) + "one"));
        a.Should().NotBe(b);
    }

    [Theory]
    [InlineData("get-sum", "get_sum")]
    [InlineData("echo", "echo")]
    [InlineData("ünïcode", "_n_code")]
    [InlineData("", "tool")]
    public void Function_HoldsOnlyWhatAKernelFunctionNameMay(string tool, string function) =>
        UpstreamNames.Function(tool).Should().Be(function);

    [Theory]
    [InlineData("everything", true)]
    [InlineData("my-server_2", true)]
    [InlineData("-leading", false)]
    [InlineData("has space", false)]
    [InlineData("dots.no", false)]
    [InlineData("a-name-that-is-far-too-long-to-be-a-server", false)]
    public void ServerNames_AreLettersDigitsUnderscoreAndHyphen(string name, bool valid) =>
        UpstreamNames.IsValidServer(name).Should().Be(valid);
}
