using System.Text.Json;
using Xunit.Abstractions;
using Lumina.Plugins.Exec;

namespace Lumina.Plugins.Exec.Tests;

/// <summary>
/// The hostile corpus (Data/sandbox-escapes.json): every escape is run in the real sandbox and must reach nothing —
/// no canary in its output, nothing written outside, no connection to the host, no process left behind — and a plain
/// run must work after it.
/// </summary>
[Collection(SandboxTests.Name)]
public sealed class SandboxCorpusTests(SandboxFixture fixture, ITestOutputHelper log)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var item in Corpus().EnumerateArray())
        {
            data.Add(item.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Fact]
    public void Corpus_HasAtLeastThirtyEscapes() => Corpus().GetArrayLength().Should().BeGreaterThanOrEqualTo(30);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Escape_ReachesNothing(string name)
    {
        var item = Corpus().EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var marker = "lumina-marker-" + Guid.NewGuid().ToString("N")[..12];
        var code = Fill(item.GetProperty("code").GetString()!, marker);
        var language = item.GetProperty("language").GetString()!;
        var stdin = item.TryGetProperty("stdin", out var s) ? Fill(s.GetString()!, marker) : null;
        int? timeout = item.TryGetProperty("timeout", out var t) ? t.GetInt32() : null;
        var accepted = fixture.Accepted;
        var outsideBefore = Snapshot(fixture.Outside);
        var rootBefore = Snapshot(fixture.Root);
        using var plugin = fixture.Plugin(fixture.Options());

        var result = await plugin.RunAsync(code: code, language: language, stdin: stdin, timeout: timeout);

        var output = result.Stdout + result.Stderr;
        log.WriteLine($"{name}: exit {result.ExitCode}, stopped {result.Stopped ?? "-"}, {result.DurationMs} ms\n{Cut(output)}");
        output.Should().NotContain(SandboxFixture.Canary, $"{name} must not read a secret: {Cut(output)}");
        output.Should().NotContain("CONNECTED", $"{name} must not connect anywhere");
        output.Should().NotContain("FOUND");
        fixture.Accepted.Should().Be(accepted, $"{name} must not reach the host's listener");
        Snapshot(fixture.Outside).Should().Equal(outsideBefore, $"{name} must not change a folder outside the roots");
        Snapshot(fixture.Root).Should().Equal(rootBefore, $"{name} must not change a read-only root");
        (await Gone(marker)).Should().BeTrue($"no process of {name} may outlive its run");
        Directory.EnumerateDirectories(fixture.Scratch).Should().BeEmpty("a run's scratch directory is deleted when it ends");
        if (item.TryGetProperty("stopped", out var stopped))
        {
            result.Stopped.Should().Be(stopped.GetString(), Cut(output));
        }

        if (item.TryGetProperty("nonZeroExit", out var nonZero) && nonZero.GetBoolean())
        {
            result.ExitCode.Should().NotBe(0, $"{name} must hit its limit: {Cut(output)}");
        }

        // The host keeps serving.
        var after = await plugin.RunAsync(command: "echo still-serving");
        after.Stdout.Should().Be("still-serving\n");
    }

    private string Fill(string text, string marker) => text
        .Replace("{ROOT}", fixture.Root, StringComparison.Ordinal)
        .Replace("{DATA}", fixture.Data, StringComparison.Ordinal)
        .Replace("{OUTSIDE}", fixture.Outside, StringComparison.Ordinal)
        .Replace("{HOST_PID}", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{PORT}", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{HOST_IP}", fixture.HostAddress, StringComparison.Ordinal)
        .Replace("{CANARY}", SandboxFixture.Canary, StringComparison.Ordinal)
        .Replace("{MARKER}", marker, StringComparison.Ordinal)
        .Replace("{BIGSTDIN}", new string('x', 4 * 1024 * 1024), StringComparison.Ordinal);

    private static async Task<bool> Gone(string marker)
    {
        // The namespace's processes die with its init; give the kernel a moment to reap them.
        for (var i = 0; i < 50 && SandboxFixture.Running(marker); i++)
        {
            await Task.Delay(100);
        }

        return !SandboxFixture.Running(marker);
    }

    private static List<string> Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => $"{p}:{(File.Exists(p) ? File.ReadAllText(p) : "dir")}")];

    private static string Cut(string text) => text.Length > 2000 ? text[..2000] : text;

    private static JsonElement Corpus()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "sandbox-escapes.json")));
        return document.RootElement.GetProperty("cases").Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxTests : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}
