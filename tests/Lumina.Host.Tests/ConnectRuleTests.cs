using Lumina.Host.Cli.Connect;

namespace Lumina.Host.Tests;

/// <summary>The rules of <c>lumina connect</c> without a process: which file each client reads on each OS, and what the configuration runs.</summary>
public sealed class ConnectRuleTests
{
    private static ClientPlatform Linux(string? xdg = null) =>
        new(ClientOs.Linux, "/home/ada", "/home/ada/src/app", name => name == "XDG_CONFIG_HOME" ? xdg : null);

    private static readonly ClientPlatform MacOS = new(ClientOs.MacOS, "/Users/ada", "/Users/ada/src/app", _ => null);

    private static ClientPlatform Windows(string? appData = @"C:\Users\ada\AppData\Roaming") =>
        new(ClientOs.Windows, @"C:\Users\ada", @"C:\src\app", name => name == "APPDATA" ? appData : null);

    public static TheoryData<string, string, string, string> Files() => new()
    {
        { "linux", nameof(ConnectClient.VsCode), nameof(ConnectScope.User), "/home/ada/.config/Code/User/mcp.json" },
        { "linux", nameof(ConnectClient.VsCode), nameof(ConnectScope.Workspace), "/home/ada/src/app/.vscode/mcp.json" },
        { "linux", nameof(ConnectClient.Claude), nameof(ConnectScope.User), "/home/ada/.config/Claude/claude_desktop_config.json" },
        { "linux", nameof(ConnectClient.Claude), nameof(ConnectScope.Workspace), "/home/ada/src/app/.mcp.json" },
        { "linux", nameof(ConnectClient.Cursor), nameof(ConnectScope.User), "/home/ada/.cursor/mcp.json" },
        { "linux", nameof(ConnectClient.Cursor), nameof(ConnectScope.Workspace), "/home/ada/src/app/.cursor/mcp.json" },
        { "linux-xdg", nameof(ConnectClient.VsCode), nameof(ConnectScope.User), "/xdg/Code/User/mcp.json" },
        { "linux-xdg", nameof(ConnectClient.Claude), nameof(ConnectScope.User), "/xdg/Claude/claude_desktop_config.json" },
        { "macos", nameof(ConnectClient.VsCode), nameof(ConnectScope.User), "/Users/ada/Library/Application Support/Code/User/mcp.json" },
        { "macos", nameof(ConnectClient.Claude), nameof(ConnectScope.User), "/Users/ada/Library/Application Support/Claude/claude_desktop_config.json" },
        { "macos", nameof(ConnectClient.Cursor), nameof(ConnectScope.User), "/Users/ada/.cursor/mcp.json" },
        { "macos", nameof(ConnectClient.VsCode), nameof(ConnectScope.Workspace), "/Users/ada/src/app/.vscode/mcp.json" },
        { "windows", nameof(ConnectClient.VsCode), nameof(ConnectScope.User), @"C:\Users\ada\AppData\Roaming\Code\User\mcp.json" },
        { "windows", nameof(ConnectClient.Claude), nameof(ConnectScope.User), @"C:\Users\ada\AppData\Roaming\Claude\claude_desktop_config.json" },
        { "windows", nameof(ConnectClient.Cursor), nameof(ConnectScope.User), @"C:\Users\ada\.cursor\mcp.json" },
        { "windows", nameof(ConnectClient.Cursor), nameof(ConnectScope.Workspace), @"C:\src\app\.cursor\mcp.json" },
        { "windows", nameof(ConnectClient.Claude), nameof(ConnectScope.Workspace), @"C:\src\app\.mcp.json" },
        { "windows-no-appdata", nameof(ConnectClient.Claude), nameof(ConnectScope.User), @"C:\Users\ada\AppData\Roaming\Claude\claude_desktop_config.json" },
        { "windows-other-appdata", nameof(ConnectClient.VsCode), nameof(ConnectScope.User), @"D:\Profiles\ada\Code\User\mcp.json" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Location_IsTheFileTheClientDocuments(string os, string client, string scope, string expected)
    {
        var platform = os switch
        {
            "linux" => Linux(),
            "linux-xdg" => Linux("/xdg"),
            "macos" => MacOS,
            "windows" => Windows(),
            "windows-no-appdata" => Windows(null),
            _ => Windows(@"D:\Profiles\ada"),
        };

        ClientConfigLocation.For(Enum.Parse<ConnectClient>(client), Enum.Parse<ConnectScope>(scope), platform).Should().Be(expected);
    }

    [Fact]
    public void Location_ARelativeXdgConfigHome_IsIgnored_AsTheSpecificationSays()
    {
        ClientConfigLocation.For(ConnectClient.VsCode, ConnectScope.User, Linux("relative/dir")).Should().Be("/home/ada/.config/Code/User/mcp.json");
    }

    [Fact]
    public void Location_OfTheInspector_DoesNotExist()
    {
        var act = () => ClientConfigLocation.For(ConnectClient.Inspector, ConnectScope.User, Linux());

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static LaunchFacts Facts(string? processPath, string baseDirectory, string tools = "/home/ada/.dotnet/tools", bool windows = false, params string[] existing) =>
        new(processPath, baseDirectory, "1.2.3", tools, windows, existing.Contains);

    [Fact]
    public void Launcher_AsTheInstalledGlobalTool_RunsItsShimByAbsolutePath()
    {
        var launch = LuminaLauncher.Resolve(Facts("/home/ada/.dotnet/tools/lumina", "/home/ada/.dotnet/tools/.store/lumina/1.2.3/lumina/1.2.3/tools/net10.0/any/"));

        launch.Should().BeEquivalentTo(new LuminaLaunch(LaunchKind.Tool, "/home/ada/.dotnet/tools/lumina", [], null));
    }

    [Fact]
    public void Launcher_InAToolPath_RunsTheShimBesideTheStore()
    {
        var launch = LuminaLauncher.Resolve(Facts("/usr/bin/dotnet", "/opt/tools/.store/lumina/1.2.3/lumina/1.2.3/tools/net10.0/any/"));

        launch.Kind.Should().Be(LaunchKind.Tool);
        launch.Command.Should().Be("/opt/tools/lumina");
        launch.Warning.Should().BeNull();
    }

    [Fact]
    public void Launcher_OnWindows_RunsTheExe()
    {
        var launch = LuminaLauncher.Resolve(Facts(@"C:\Users\ada\.dotnet\tools\lumina.exe", @"C:\Users\ada\.dotnet\tools\.store\lumina\1.2.3\lumina\1.2.3\tools\net10.0\any\", windows: true));

        launch.Kind.Should().Be(LaunchKind.Tool);
        launch.Command.Should().Be(@"C:\Users\ada\.dotnet\tools\lumina.exe");
    }

    [Fact]
    public void Launcher_ThroughDnx_RunsThatVersionThroughDotnetDnx()
    {
        var launch = LuminaLauncher.Resolve(Facts("/usr/share/dotnet/dotnet", "/home/ada/.nuget/packages/lumina/1.2.3/tools/net10.0/any/"));

        launch.Should().BeEquivalentTo(new LuminaLaunch(LaunchKind.Dnx, "/usr/share/dotnet/dotnet", ["dnx", "Lumina@1.2.3", "--yes", "--"], null));
    }

    [Fact]
    public void Launcher_FromABuild_WithTheToolInstalled_PrefersTheTool_AndSaysSo()
    {
        var launch = LuminaLauncher.Resolve(Facts("/usr/bin/dotnet", "/src/lumina/src/Lumina.Host/bin/Release/net10.0/", existing: ["/home/ada/.dotnet/tools/lumina", "/src/lumina/src/Lumina.Host/bin/Release/net10.0/lumina"]));

        launch.Kind.Should().Be(LaunchKind.Tool);
        launch.Command.Should().Be("/home/ada/.dotnet/tools/lumina");
        launch.Warning.Should().Contain("build output").And.Contain("installed tool");
    }

    [Fact]
    public void Launcher_FromABuild_RunsItsApphost_WithAWarning()
    {
        var launch = LuminaLauncher.Resolve(Facts("/usr/bin/dotnet", "/src/lumina/bin/Release/net10.0/", existing: ["/src/lumina/bin/Release/net10.0/lumina"]));

        launch.Kind.Should().Be(LaunchKind.Build);
        launch.Command.Should().Be("/src/lumina/bin/Release/net10.0/lumina");
        launch.Arguments.Should().BeEmpty();
        launch.Warning.Should().Contain("build output").And.Contain("dotnet tool install -g Lumina");
    }

    [Fact]
    public void Launcher_FromABuildWithoutApphost_RunsTheDllWithThisDotnet()
    {
        var launch = LuminaLauncher.Resolve(Facts("/usr/share/dotnet/dotnet", "/src/lumina/bin/Release/net10.0/"));

        launch.Kind.Should().Be(LaunchKind.Build);
        launch.Command.Should().Be("/usr/share/dotnet/dotnet");
        launch.Arguments.Should().Equal("/src/lumina/bin/Release/net10.0/lumina.dll");
    }

    [Theory]
    [InlineData(nameof(ConnectClient.VsCode), nameof(ConnectScope.Workspace), "--Lumina:Files:Roots:0=${workspaceFolder}")]
    [InlineData(nameof(ConnectClient.Cursor), nameof(ConnectScope.Workspace), "--Lumina:Files:Roots:0=${workspaceFolder}")]
    [InlineData(nameof(ConnectClient.Claude), nameof(ConnectScope.Workspace), "--Lumina:Files:Roots:0=/home/ada/src/app")]
    [InlineData(nameof(ConnectClient.Inspector), nameof(ConnectScope.Workspace), "--Lumina:Files:Roots:0=/home/ada/src/app")]
    public void Arguments_OfAWorkspace_MakeItAFilesRoot(string clientName, string scopeName, string root)
    {
        var client = Enum.Parse<ConnectClient>(clientName);
        var scope = Enum.Parse<ConnectScope>(scopeName);
        var launch = new LuminaLaunch(LaunchKind.Tool, "/home/ada/.dotnet/tools/lumina", [], null);

        ClientEntry.ServerArguments(new(client, scope, false, "", "lumina", []), launch, Linux()).Should().Equal(root);
        ClientEntry.ServerArguments(new(client, ConnectScope.User, false, "", "lumina", []), launch, Linux()).Should().BeEmpty();
    }

    [Fact]
    public void Arguments_FollowTheLauncher_AndCarryTheUsersSettings_WhoseRootWins()
    {
        var launch = new LuminaLaunch(LaunchKind.Dnx, "dotnet", ["dnx", "Lumina@1.2.3", "--yes", "--"], null);
        var request = new ConnectRequest(ConnectClient.VsCode, ConnectScope.Workspace, false, "", "lumina", ["--Lumina:Files:Roots:0=/data", "--Lumina:DataDirectory=/srv/lumina"]);

        ClientEntry.ServerArguments(request, launch, Linux()).Should().Equal("dnx", "Lumina@1.2.3", "--yes", "--", "--Lumina:Files:Roots:0=/data", "--Lumina:DataDirectory=/srv/lumina");
    }

    [Theory]
    [InlineData("/home/ada/.dotnet/tools/lumina", nameof(ClientOs.Linux), "/home/ada/.dotnet/tools/lumina")]
    [InlineData("/Users/ada/Application Support/x", nameof(ClientOs.MacOS), "'/Users/ada/Application Support/x'")]
    [InlineData("--Lumina:Files:Roots:0=it's", nameof(ClientOs.Linux), @"'--Lumina:Files:Roots:0=it'\''s'")]
    [InlineData(@"C:\Program Files\lumina.exe", nameof(ClientOs.Windows), "\"C:\\Program Files\\lumina.exe\"")]
    public void Quote_LeavesPlainWordsAndQuotesTheRest(string word, string os, string expected)
    {
        ConnectCommand.Quote(word, Enum.Parse<ClientOs>(os)).Should().Be(expected);
    }
}
