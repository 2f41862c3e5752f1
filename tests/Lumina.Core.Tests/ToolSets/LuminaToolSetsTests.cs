using Lumina.Core.ToolSets;

namespace Lumina.Core.Tests.ToolSets;

public sealed class LuminaToolSetsTests
{
    private static readonly LuminaToolSets s_sets = new(new Dictionary<string, ToolSetOptions>
    {
        ["coding"] = new()
        {
            Include = ["files_*", "time_now", "github_?ull*"],
            Exclude = ["files_delete"],
            Rename = new Dictionary<string, string> { ["time_now"] = "clock" },
            Describe = new Dictionary<string, string> { ["files_read"] = "Read a file of the repository." },
        },
        ["everything"] = new(),
    });

    [Theory]
    [InlineData("coding", "files_read", true)]
    [InlineData("coding", "files_delete", false)]
    [InlineData("coding", "time_now", true)]
    [InlineData("coding", "time_convert", false)]
    [InlineData("coding", "github_pull_request", true)]
    [InlineData("coding", "github_push", false)]
    [InlineData("CODING", "files_list", true)]
    [InlineData("everything", "anything_at_all", true)]
    [InlineData("missing", "files_read", false)]
    [InlineData(null, "anything", true)]
    public void Contains_FollowsIncludeThenExclude_AndAnUnknownSetHoldsNothing(string? set, string name, bool expected) =>
        s_sets.Contains(set, name).Should().Be(expected);

    [Fact]
    public void RenameAndDescribe_MapBothWays()
    {
        s_sets.ShownName("coding", "time_now").Should().Be("clock");
        s_sets.ServedName("coding", "clock").Should().Be("time_now");
        s_sets.ServedName("coding", "files_read").Should().Be("files_read");
        s_sets.ShownName("everything", "time_now").Should().Be("time_now");
        s_sets.Description("coding", "files_read").Should().Be("Read a file of the repository.");
        s_sets.Description("coding", "files_list").Should().BeNull();
        s_sets.Description(null, "files_read").Should().BeNull();
    }

    [Fact]
    public void Validate_NamesEveryBadSetting()
    {
        var errors = LuminaToolSets.Validate(new Dictionary<string, ToolSetOptions>
        {
            ["bad name"] = new(),
            ["ok"] = new()
            {
                Include = [" "],
                Rename = new Dictionary<string, string> { ["a"] = "same", ["b"] = "same", ["c"] = "has space" },
            },
        });

        errors.Should().Contain(e => e.StartsWith("Lumina:ToolSets:bad name:", StringComparison.Ordinal))
            .And.Contain("Lumina:ToolSets:ok:Include:0 is empty.")
            .And.Contain("Lumina:ToolSets:ok:Rename gives two tools the name 'same'.")
            .And.Contain(e => e.StartsWith("Lumina:ToolSets:ok:Rename:c", StringComparison.Ordinal));
    }
}
