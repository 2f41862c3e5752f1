using Lumina.Core.Audit;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lumina.Core.Tests.Audit;

/// <summary><c>Lumina:Audit</c> is checked when the host starts, each error naming its setting.</summary>
public sealed class AuditOptionsTests
{
    [Theory]
    [InlineData("MaxPending", "0", "Lumina:Audit:MaxPending must be at least 1, not 0.")]
    [InlineData("BatchWindow", "-00:00:01", "Lumina:Audit:BatchWindow must be between 00:00:00 and 00:00:10")]
    [InlineData("BatchWindow", "00:00:11", "Lumina:Audit:BatchWindow must be between 00:00:00 and 00:00:10")]
    [InlineData("Durability", "7", "Lumina:Audit:Durability must be Full, Normal or Buffered, not '7'.")]
    public void BadSetting_IsRefusedNamingIt(string setting, string value, string message)
    {
        using var provider = Build(new() { [$"Lumina:Audit:{setting}"] = value });

        var read = () => provider.GetRequiredService<IOptions<AuditOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Defaults_AreAccepted()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<AuditOptions>>().Value;

        options.Should().BeEquivalentTo(new AuditOptions());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddSqliteStores();
        return services.BuildServiceProvider();
    }
}
