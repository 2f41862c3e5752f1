using System.ComponentModel;
using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Tools;

public sealed class LuminaKernelToolsTests
{
    private static readonly LuminaCaller s_guest = new("gus", "Gus", "guest", LuminaTransport.Http, IsAuthenticated: true);
    private static readonly LuminaCaller s_admin = new("ada", "Ada", "admin", LuminaTransport.Http, IsAuthenticated: true);

    private static ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = TestData.NewDirectory(),
                ["Lumina:Prompts:BuiltIn"] = "false",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLumina(configuration).AddSqliteStores()
            .AddPlugin<CalcPlugin>("calc")
            .AddPlugin<VaultPlugin>("vault")
            .AddPlugin<RunnerPlugin>("exec");
        return services.BuildServiceProvider();
    }

    private static IDisposable As(IServiceProvider services, LuminaCaller caller) =>
        services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(caller));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void List_Guest_ShowsOnlyThePermittedToolsWithTheirSchemas()
    {
        using var services = Build();
        using var scope = As(services, s_guest);

        var tools = services.GetRequiredService<ILuminaTools>().List();

        tools.Select(t => t.Name).Should().Contain(["calc_add", "calc_echo", "calc_info", "calc_rich"]).And.NotContain("vault_secret");
        var add = tools.Single(t => t.Name == "calc_add");
        add.Description.Should().Be("Adds two numbers.");
        add.InputSchema.GetProperty("type").GetString().Should().Be("object");
        add.InputSchema.GetProperty("properties").GetProperty("a").GetProperty("type").GetString().Should().Be("integer");
        add.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().Equal("a", "b");
    }

    [Fact]
    public void List_Admin_ShowsEveryTool()
    {
        using var services = Build();
        using var scope = As(services, s_admin);

        services.GetRequiredService<ILuminaTools>().List().Select(t => t.Name).Should().Contain(["calc_add", "vault_secret", "exec_run"]);
    }

    [Fact]
    public async Task CallAsync_AllowedTools_ReturnTheirResultsAsJson()
    {
        using var services = Build();
        using var scope = As(services, s_guest);
        var tools = services.GetRequiredService<ILuminaTools>();

        (await tools.CallAsync("calc_add", Json("""{"a":2,"b":3}"""))).GetInt32().Should().Be(5);
        (await tools.CallAsync("calc_echo", Json("""{"text":"hé"}"""))).GetString().Should().Be("hé");
        var info = await tools.CallAsync("calc_info", Json("{}"));
        info.GetProperty("name").GetString().Should().Be("calc");
        info.GetProperty("version").GetInt32().Should().Be(2);
        (await tools.CallAsync("calc_rich", Json("""{"structured":true}"""))).GetProperty("total").GetInt32().Should().Be(7);
        (await tools.CallAsync("calc_rich", Json("""{"structured":false}"""))).GetString().Should().Be("one\ntwo");
        (await tools.CallAsync("calc_nothing", default)).ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task CallAsync_RunsAsTheCurrentCaller()
    {
        using var services = Build();
        using var scope = As(services, s_guest);

        var result = await services.GetRequiredService<ILuminaTools>().CallAsync("calc_whoami", Json("{}"));

        result.GetString().Should().Be("gus");
    }

    [Fact]
    public async Task CallAsync_ForbiddenTool_IsRefusedByTheAuthorizationFilterAndAudited()
    {
        using var services = Build();
        using var scope = As(services, s_guest);

        var call = () => services.GetRequiredService<ILuminaTools>().CallAsync("vault_secret", Json("""{"name":"x"}"""));

        (await call.Should().ThrowAsync<LuminaForbiddenException>()).Which.Message.Should().Contain("guest");
        VaultPlugin.Opened.Should().Be(0);
        var records = await services.GetRequiredService<IAuditLedger>().ReadRecentAsync(10);
        records.Should().ContainSingle(r => r.Function == "vault_secret").Which.Should().Match<AuditRecord>(r => r.Outcome == AuditOutcome.Denied && r.CallerId == "gus");
    }

    [Fact]
    public async Task CallAsync_UnknownTool_IsRefusedNamingIt()
    {
        using var services = Build();

        var call = () => services.GetRequiredService<ILuminaTools>().CallAsync("calc_nope", Json("{}"));

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Be("There is no tool named 'calc_nope' for this caller.");
    }

    [Fact]
    public async Task ExcludedPlugin_IsNeitherListedNorCallable()
    {
        using var services = Build();
        using var scope = As(services, s_admin);
        var tools = services.GetRequiredService<ILuminaTools>();

        tools.List(["EXEC"]).Select(t => t.Name).Should().NotContain("exec_run").And.Contain("calc_add");
        var call = () => tools.CallAsync("exec_run", Json("""{"code":"1"}"""), ["exec"]);

        (await call.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Be("The tool 'exec_run' is not callable from here.");
        RunnerPlugin.Runs.Should().Be(0);
    }

    [Fact]
    public async Task CallAsync_WrongArgumentType_IsRefusedNamingTheArgument()
    {
        using var services = Build();
        using var scope = As(services, s_guest);
        var tools = services.GetRequiredService<ILuminaTools>();

        var wrongType = () => tools.CallAsync("calc_add", Json("""{"a":"two","b":3}"""));
        var notAnObject = () => tools.CallAsync("calc_add", Json("[1,2]"));

        (await wrongType.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Contain("'a'").And.Contain("integer");
        (await notAnObject.Should().ThrowAsync<LuminaRefusalException>()).Which.Message.Should().Be("The arguments of 'calc_add' must be a JSON object.");
    }

    [Fact]
    public async Task CallAsync_FailingTool_SaysSoWithoutTheDetails()
    {
        using var services = Build();
        using var scope = As(services, s_guest);

        var call = () => services.GetRequiredService<ILuminaTools>().CallAsync("calc_crash", Json("{}"));

        var failure = (await call.Should().ThrowAsync<LuminaException>()).Which;
        failure.Message.Should().StartWith("The tool 'calc_crash' failed (reference ").And.NotContain("secret detail");
    }

    [LuminaRequires(LuminaPermission.Read)]
    public sealed class CalcPlugin(ILuminaCallContextAccessor context)
    {
        [KernelFunction("add"), Description("Adds two numbers.")]
        public int Add([Description("The first.")] int a, [Description("The second.")] int b) => a + b;

        [KernelFunction("echo"), Description("Echoes text.")]
        public string Echo(string text) => text;

        [KernelFunction("info"), Description("Describes the plugin.")]
        public CalcInfo Info() => new("calc", 2);

        [KernelFunction("rich"), Description("A rich result.")]
        public LuminaResult Rich(bool structured) =>
            LuminaResult.Of(new LuminaText("one"), new LuminaText("two")) with { Structured = structured ? new { total = 7 } : null };

        [KernelFunction("nothing"), Description("Returns nothing.")]
        public string? Nothing() => null;

        [KernelFunction("whoami"), Description("The caller's id.")]
        public string WhoAmI() => context.Current.Caller.Id;

        [KernelFunction("crash"), Description("Fails.")]
        public string Crash() => throw new InvalidOperationException("secret detail");
    }

    public sealed record CalcInfo(string Name, int Version);

    [LuminaRequires(LuminaPermission.Manage)]
    public sealed class VaultPlugin
    {
        public static int Opened { get; private set; }

        [KernelFunction("secret"), Description("Reads a secret.")]
        public string Secret(string name)
        {
            Opened++;
            return name;
        }
    }

    [LuminaRequires(LuminaPermission.Read)]
    public sealed class RunnerPlugin
    {
        public static int Runs { get; private set; }

        [KernelFunction("run"), Description("Runs code.")]
        public string Run(string code)
        {
            Runs++;
            return code;
        }
    }
}
