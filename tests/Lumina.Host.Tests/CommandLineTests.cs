namespace Lumina.Host.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_PrintsUsageAndTheConfigurationContract()
    {
        var (exitCode, stdout, _) = await LuminaProcess.RunAsync("--help");

        exitCode.Should().Be(0);
        stdout.Should().Contain("--http").And.Contain("Lumina:Plugins:Directories").And.Contain("Lumina:Files:Roots").And.Contain("Lumina:DataDirectory").And.Contain("Lumina:Store");
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var (exitCode, stdout, _) = await LuminaProcess.RunAsync("--version");

        exitCode.Should().Be(0);
        stdout.Should().MatchRegex(@"^lumina \d+\.\d+\.\d+");
    }

    [Fact]
    public async Task UnknownArgument_ExitsWithUsageError()
    {
        var (exitCode, _, stderr) = await LuminaProcess.RunAsync("frobnicate");

        exitCode.Should().Be(2);
        stderr.Should().Contain("frobnicate");
    }

    [Fact]
    public async Task Audit_MayFollowConfigurationOptions_AsUsersAndKeysMay()
    {
        using var data = new TempDirectory();
        var (before, stdoutBefore, stderrBefore) = await LuminaProcess.RunAsync($"--Lumina:DataDirectory={data.Path}", "audit", "verify");
        var (after, stdoutAfter, stderrAfter) = await LuminaProcess.RunAsync("audit", "verify", $"--Lumina:DataDirectory={data.Path}");

        before.Should().Be(0, stderrBefore);
        after.Should().Be(0, stderrAfter);
        (stdoutBefore + stderrBefore).Should().Contain("audit ledger intact: 0 records");
        (stdoutAfter + stderrAfter).Should().Contain("audit ledger intact: 0 records");
    }

    [Theory]
    [InlineData("--Lumina:Plugins:Directories:0=/no/such/folder", "Lumina:Plugins:Directories:0")]
    [InlineData("--Lumina:Files:Roots:0=/no/such/root", "Lumina:Files:Roots")]
    [InlineData("--Lumina:Files:MaxReadBytes=0", "Lumina:Files:MaxReadBytes")]
    [InlineData("--Lumina:Memory:Store=postgres", "Lumina:Memory:Store")]
    [InlineData("--Lumina:Audit:MaxPending=0", "Lumina:Audit:MaxPending")]
    [InlineData("--Lumina:Audit:BatchWindow=00:01:00", "Lumina:Audit:BatchWindow")]
    [InlineData("--Lumina:Memory:Store=redis", "ConnectionStrings:redis")]
    public async Task InvalidConfiguration_ExitsNamingTheSetting(string argument, string setting)
    {
        using var data = new TempDirectory();
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync($"--Lumina:DataDirectory={data.Path}", argument);

        exitCode.Should().Be(2);
        stderr.Should().Contain(setting);
        stdout.Should().BeEmpty("stdout is the MCP channel");
    }

    [Fact]
    public async Task RedisUnreachableAtStart_ExitsNamingTheSettingAndTheAddress()
    {
        using var data = new TempDirectory();
        var (exitCode, stdout, stderr) = await LuminaProcess.RunAsync(
            $"--Lumina:DataDirectory={data.Path}", "--Lumina:Memory:Store=redis", "--ConnectionStrings:redis=127.0.0.1:1");

        exitCode.Should().NotBe(0);
        stderr.Should().Contain("ConnectionStrings:redis").And.Contain("127.0.0.1:1");
        stdout.Should().BeEmpty();
    }
}
