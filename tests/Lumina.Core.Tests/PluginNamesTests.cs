using Lumina.Core.Plugins;

namespace Lumina.Core.Tests;

public sealed class PluginNamesTests
{
    [Theory]
    [InlineData("FilesPlugin", "files")]
    [InlineData("GitHubIssuesPlugin", "git_hub_issues")]
    [InlineData("HTTPClient", "http_client")]
    [InlineData("Plugin", "plugin")]
    public void FromTypeName_DerivesSnakeCase(string type, string expected) => PluginNames.FromTypeName(type).Should().Be(expected);

    [Theory]
    [InlineData("files", true)]
    [InlineData("my_plugin2", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("dash-ed", false)]
    public void IsValid_ChecksTheAlphabet(string name, bool valid) => PluginNames.IsValid(name).Should().Be(valid);
}
