using Lumina.Abstractions;
using Lumina.Plugins.Exec;

namespace Lumina.Plugins.Exec.Tests;

/// <summary>exec_run's arguments, languages, caps, kept scratch directories and settings, against the real sandbox.</summary>
[Collection(SandboxTests.Name)]
public sealed class ExecPluginTests(SandboxFixture fixture)
{
    [Theory]
    [InlineData("sh", "echo \"$((6 * 7))\"")]
    [InlineData("python", "print(6 * 7)")]
    [InlineData("node", "console.log(6 * 7)")]
    public async Task Code_EachLanguage_Runs(string language, string code)
    {
        using var plugin = fixture.Plugin(fixture.Options());

        var result = await plugin.RunAsync(code: code, language: language);

        result.Stdout.Should().Be("42\n", result.Stderr);
        result.ExitCode.Should().Be(0);
        result.Language.Should().Be(language);
    }

    [Fact]
    public async Task Stdin_IsTheProgramsInput_AndTheRootIsReadable()
    {
        using var plugin = fixture.Plugin(fixture.Options());

        var result = await plugin.RunAsync(command: $"cat; cat {fixture.Root}/notes.txt; pwd", stdin: "from stdin\n");

        result.Stdout.Should().Be($"from stdin\nhello from the root\n/scratch\n");
    }

    [Fact]
    public async Task LongOutput_IsCutWithAMarker()
    {
        using var plugin = fixture.Plugin(fixture.Options());

        var result = await plugin.RunAsync(command: "head -c 100000 /dev/zero | tr '\\0' a; echo err >&2");

        result.StdoutTruncated.Should().BeTrue();
        result.Stdout.Should().StartWith(new string('a', 100)).And.EndWith("[stdout truncated: 83616 more bytes; 100000 in all]");
        result.Stderr.Should().Be("err\n");
        result.StderrTruncated.Should().BeFalse();
    }

    [Theory]
    [InlineData("echo a", "echo b", "sh", null, "either command")]
    [InlineData(null, null, "sh", null, "either command")]
    [InlineData(null, "print(1)", "ruby", null, "language must be one of")]
    [InlineData("echo a", null, "python", null, "command is a shell command line")]
    [InlineData("echo a", null, "sh", 0, "timeout must be between 1 and 300")]
    [InlineData("echo a", null, "sh", 301, "timeout must be between 1 and 300")]
    public async Task BadArguments_AreRefusedSayingWhy(string? command, string? code, string language, int? timeout, string message)
    {
        using var plugin = fixture.Plugin(fixture.Options());

        var run = () => plugin.RunAsync(command: command, code: code, language: language, timeout: timeout);

        (await run.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain(message);
    }

    [Fact]
    public async Task WritableRoots_LetARunWriteInTheRoots()
    {
        var writable = Path.Combine(fixture.Base, "writable");
        Directory.CreateDirectory(writable);
        File.SetUnixFileMode(writable, (UnixFileMode)0b111_111_111);
        using var plugin = fixture.Plugin(fixture.Options(o =>
        {
            o.Roots = [writable];
            o.WritableRoots = true;
        }));

        var result = await plugin.RunAsync(command: $"echo written > {writable}/out.txt");

        result.ExitCode.Should().Be(0, result.Stderr);
        File.ReadAllText(Path.Combine(writable, "out.txt")).Should().Be("written\n");
    }

    [Fact]
    public async Task KeptScratch_IsReadableByItsCallerOnly_AndNeverFollowsWhatTheRunPlanted()
    {
        using var plugin = fixture.Plugin(fixture.Options(o => o.KeepScratch = TimeSpan.FromMinutes(5)));

        var result = await plugin.RunAsync(command: $"echo kept > out.txt; mkdir -p sub; printf '\\000\\001' > sub/bin; ln -s {fixture.Outside}/secret.txt link; mkfifo pipe");
        var run = result.Scratch!["exec://runs/".Length..];

        var listing = plugin.Scratch(run);
        listing.Should().Contain("\"out.txt\"").And.Contain("\"link\"").And.Contain("\"kind\":\"link\"");
        plugin.ScratchFile(run, "out.txt").Should().Be("kept\n");
        plugin.ScratchFile(run, "sub/bin").Should().BeEquivalentTo(new byte[] { 0, 1 });
        var link = () => plugin.ScratchFile(run, "link");
        link.Should().Throw<LuminaRefusalException>().WithMessage("*symbolic link*");
        var pipe = () => plugin.ScratchFile(run, "pipe");
        pipe.Should().Throw<LuminaRefusalException>().WithMessage("*not a regular file*");
        var up = () => plugin.ScratchFile(run, "../code/main.sh");
        up.Should().Throw<LuminaRefusalException>();

        using (new LuminaCallContextAccessor().Push(new LuminaCallContext(new LuminaCaller("mallory", "mallory", "admin", LuminaTransport.Http, true))))
        {
            var other = () => plugin.ScratchFile(run, "out.txt");
            other.Should().Throw<LuminaRefusalException>().WithMessage("*no kept run*");
        }

        Directory.EnumerateDirectories(fixture.Scratch).Should().ContainSingle();
        RunDirectories.Delete(Path.Combine(fixture.Scratch, run));
        File.ReadAllText(Path.Combine(fixture.Outside, "secret.txt")).Should().Contain(SandboxFixture.Canary, "deleting a scratch directory never follows its links");
    }

    [Fact]
    public async Task SandboxNone_RunsWithoutTheSandbox_ButWithACleanEnvironment()
    {
        var options = fixture.Options(o => o.Sandbox = "none");
        var probe = SandboxProbe.Run(options);

        using var plugin = fixture.Plugin(options);
        var result = await plugin.RunAsync(command: "env; pwd");

        probe.Reason.Should().Contain("WITHOUT a sandbox");
        result.Stdout.Should().NotContain(SandboxFixture.Canary).And.Contain(fixture.Scratch);
    }

    [Fact]
    public void MissingBubblewrap_IsNotServed_SayingHowToInstallIt()
    {
        var probe = SandboxProbe.Run(new ExecOptions { BubblewrapPath = "/nonexistent/bwrap" });

        probe.Available.Should().BeFalse();
        probe.Reason.Should().Contain("/nonexistent/bwrap").And.Contain("apt-get install bubblewrap");
    }

    [Theory]
    [InlineData("Sandbox", "docker", "Lumina:Exec:Sandbox")]
    [InlineData("Network", "bridge", "Lumina:Exec:Network")]
    [InlineData("OutputBytes", "10", "Lumina:Exec:OutputBytes")]
    [InlineData("Timeout", "00:10:00", "Lumina:Exec:Timeout")]
    [InlineData("ScratchDirectory", "relative/dir", "Lumina:Exec:ScratchDirectory")]
    public void BadSetting_IsNamed(string setting, string value, string named)
    {
        var options = new ExecOptions();
        typeof(ExecOptions).GetProperty(setting)!.SetValue(options, setting == "Timeout" ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : setting == "OutputBytes" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        ExecOptions.Validate(options).Should().ContainSingle().Which.Should().Contain(named);
    }

    [Fact]
    public void BadLimit_IsNamed()
    {
        var options = new ExecOptions { Limits = new ExecLimits { Processes = 1 }, Script = new ExecScriptLimits { MemoryMb = 0 } };

        ExecOptions.Validate(options).Should().Contain(e => e.Contains("Lumina:Exec:Limits:Processes", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("Lumina:Exec:Script:MemoryMb", StringComparison.Ordinal));
    }
}
