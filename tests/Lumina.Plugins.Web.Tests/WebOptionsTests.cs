using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lumina.Plugins.Web.Tests;

public sealed class WebOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        WebOptions.Validate(new WebOptions()).Should().BeEmpty();
    }

    [Theory]
    [InlineData("AllowedHosts:0", "10.0.0.0/33", "Lumina:Web:AllowedHosts:0")]
    [InlineData("AllowedHosts:0", "exa mple.com", "Lumina:Web:AllowedHosts:0")]
    [InlineData("DeniedHosts:0", "*.*.com", "Lumina:Web:DeniedHosts:0")]
    [InlineData("MaxBytes", "0", "Lumina:Web:MaxBytes")]
    [InlineData("Timeout", "-00:00:01", "Lumina:Web:Timeout")]
    [InlineData("PageBytes", "10", "Lumina:Web:PageBytes")]
    [InlineData("CacheTtl", "-00:01:00", "Lumina:Web:CacheTtl")]
    [InlineData("UserAgent", " ", "Lumina:Web:UserAgent")]
    [InlineData("Binary", "keep", "Lumina:Web:Binary")]
    [InlineData("BinaryRetention", "00:00:00", "Lumina:Web:BinaryRetention")]
    public void AddWebOptions_BadSetting_FailsAtStartNamingIt(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:Web:" + key] = value }).Build();
        using var provider = new ServiceCollection().AddWebOptions(configuration).BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<WebOptions>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void AddWebOptions_GoodSettings_Bind()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lumina:Web:AllowedHosts:0"] = "*.example.org",
            ["Lumina:Web:AllowedHosts:1"] = "10.1.0.0/16",
            ["Lumina:Web:AllowedHosts:2"] = "[fd00::1]",
            ["Lumina:Web:AllowPrivateNetworks"] = "true",
            ["Lumina:Web:Timeout"] = "00:00:05",
        }).Build();
        using var provider = new ServiceCollection().AddWebOptions(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<WebOptions>();

        options.AllowedHosts.Should().HaveCount(3);
        options.AllowPrivateNetworks.Should().BeTrue();
        options.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        provider.GetRequiredService<IWebHostResolver>().Should().NotBeNull();
    }
}
