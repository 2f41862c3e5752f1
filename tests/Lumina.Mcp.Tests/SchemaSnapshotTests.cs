using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Core.Catalog;
using Lumina.Core.Configuration;
using Lumina.Core.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lumina.Mcp.Tests;

/// <summary>
/// <c>Lumina:Catalog:SchemaSnapshot</c>: a second start on the same data directory serves the output schemas the first
/// one built, without building them, and only while nothing they were made from changed.
/// </summary>
public sealed class SchemaSnapshotTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("lumina-schemas-").FullName;

    private string SnapshotFile => Path.Combine(_data, OutputSchemaSnapshot.FileName);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task ASecondStart_ServesTheSameTools_WithoutBuildingTheirSchemas()
    {
        var (first, builtFirst) = await ListAsync();
        var (second, builtSecond) = await ListAsync();

        builtFirst.Should().BeGreaterThan(0);
        File.Exists(SnapshotFile).Should().BeTrue();
        builtSecond.Should().Be(0, "every schema came from the snapshot");
        second.Should().Be(first, "what is served does not depend on where the schemas came from");
        Weather(second).Should().NotBeNull();
    }

    [Fact]
    public async Task TheSnapshotIsWhatASecondStartServes_WhileItsKeysHold()
    {
        await ListAsync();
        Poison(key => key);

        var (served, built) = await ListAsync();

        built.Should().Be(0);
        Weather(served)!["properties"]!.AsObject().Select(p => p.Key).Should().Equal("poisoned");
    }

    [Fact]
    public async Task AnEntryOfAnotherAssemblyBuild_IsBuiltAgain_AndWrittenBack()
    {
        var (clean, _) = await ListAsync();
        // The same type from a rebuilt assembly: another MVID in the key.
        Poison(key => key.Split('|') is [var name, var assembly, .. var rest]
            ? string.Join('|', [name, Guid.NewGuid().ToString("N") + assembly[32..], .. rest])
            : throw new InvalidOperationException(key));

        var (served, built) = await ListAsync();

        built.Should().BeGreaterThan(0);
        served.Should().Be(clean);
        File.ReadAllText(SnapshotFile).Should().NotContain("poisoned", "only the entries this start used are written back");
    }

    [Fact]
    public async Task ASnapshotOfAnotherProgramOrRuntime_IsIgnored()
    {
        var (clean, _) = await ListAsync();
        Poison(key => key);
        var file = JsonNode.Parse(File.ReadAllText(SnapshotFile))!;
        file["program"] = ".NET 9.0.0;" + file["program"]!.GetValue<string>();
        File.WriteAllText(SnapshotFile, file.ToJsonString());

        var (served, built) = await ListAsync();

        built.Should().BeGreaterThan(0);
        served.Should().Be(clean);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("""{"format":1,"program":7,"schemas":[]}""")]
    [InlineData("""{"format":2,"program":"x","schemas":{}}""")]
    public async Task AnUnreadableSnapshot_IsIgnored_AndReplaced(string content)
    {
        var (clean, _) = await ListAsync();
        File.WriteAllText(SnapshotFile, content);

        var (served, built) = await ListAsync();
        var (again, builtAgain) = await ListAsync();

        built.Should().BeGreaterThan(0);
        served.Should().Be(clean);
        builtAgain.Should().Be(0, "the unreadable file was replaced by a good one");
        again.Should().Be(clean);
    }

    [Fact]
    public async Task Off_BuildsEveryTime_AndWritesNothing()
    {
        var (first, builtFirst) = await ListAsync(snapshot: false);
        var (second, builtSecond) = await ListAsync(snapshot: false);

        File.Exists(SnapshotFile).Should().BeFalse();
        (builtFirst, builtSecond).Should().Be((0, 0), "nothing is counted when there is no snapshot");
        second.Should().Be(first);
        Weather(second).Should().NotBeNull();
    }

    [Fact]
    public void ADataDirectoryThatCannotBeWritten_CostsOnlyTheNextStartsTime()
    {
        var blocker = Path.Combine(_data, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var snapshot = new OutputSchemaSnapshot(
            Options.Create(new LuminaOptions { DataDirectory = Path.Combine(blocker, "data") }),
            Options.Create(new CatalogOptions()),
            NullLogger<OutputSchemaSnapshot>.Instance);

        var schema = snapshot.Get(typeof(Weather), KernelSchemas.Output);
        snapshot.Save();

        schema!.Value.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("city", "temperatureC", "mood");
        snapshot.Built.Should().Be(1);
        Directory.EnumerateFiles(_data).Should().Equal(blocker);
    }

    /// <summary>One start on the data directory: its tools/list, and how many schemas it built.</summary>
    private async Task<(string Tools, int Built)> ListAsync(bool snapshot = true)
    {
        await using var harness = await McpHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = _data,
            ["Lumina:Catalog:SchemaSnapshot"] = snapshot ? "true" : "false",
        });
        var tools = (await harness.Client.ListToolsAsync()).Select(t => t.ProtocolTool).OrderBy(t => t.Name, StringComparer.Ordinal);
        return (JsonSerializer.Serialize(tools), harness.Services.GetRequiredService<OutputSchemaSnapshot>().Built);
    }

    private static JsonNode? Weather(string tools) =>
        JsonNode.Parse(tools)!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "sample_weather")!["outputSchema"];

    /// <summary>Rewrites the snapshot: the weather's schema replaced by one of a single <c>poisoned</c> property, its key by <paramref name="rekey"/>'s.</summary>
    private void Poison(Func<string, string> rekey)
    {
        var file = JsonNode.Parse(File.ReadAllText(SnapshotFile))!;
        var schemas = file["schemas"]!.AsObject();
        var key = schemas.Select(s => s.Key).Single(k => k.StartsWith("Lumina.Mcp.Tests.Weather,", StringComparison.Ordinal));
        schemas.Remove(key);
        schemas[rekey(key)] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["poisoned"] = new JsonObject() } };
        File.WriteAllText(SnapshotFile, file.ToJsonString());
    }
}
