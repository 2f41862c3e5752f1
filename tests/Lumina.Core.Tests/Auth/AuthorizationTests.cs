using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Auth;

public sealed class AuthorizationTests
{
    /// <summary>What every built-in native function needs. A new built-in function fails the matrix until it is listed here.</summary>
    private static readonly Dictionary<string, LuminaPermission> s_builtIn = new(StringComparer.Ordinal)
    {
        ["files.list"] = LuminaPermission.Read,
        ["files.read"] = LuminaPermission.Read,
        ["files.search"] = LuminaPermission.Read,
        ["files.write"] = LuminaPermission.Write,
        ["files.edit"] = LuminaPermission.Write,
        ["files.move"] = LuminaPermission.Write,
        ["files.delete"] = LuminaPermission.Write,
        ["time.now"] = LuminaPermission.Read,
        ["time.convert"] = LuminaPermission.Read,
        ["time.add"] = LuminaPermission.Read,
        ["time.difference"] = LuminaPermission.Read,
        ["system.describe"] = LuminaPermission.Read,
        ["system.host"] = LuminaPermission.Read,
        ["web.fetch"] = LuminaPermission.Read,
        ["web.download"] = LuminaPermission.Read,
        ["exec.run"] = LuminaPermission.Execute,
        ["exec.scratch"] = LuminaPermission.Execute,
        ["exec.scratch_file"] = LuminaPermission.Execute,
        ["memory.remember"] = LuminaPermission.Write,
        ["memory.recall"] = LuminaPermission.Read,
        ["memory.forget"] = LuminaPermission.Write,
        ["memory.forget_all"] = LuminaPermission.Write,
        ["memory.forget_conversation"] = LuminaPermission.Write,
        ["memory.set_context"] = LuminaPermission.Write,
        ["memory.get_context"] = LuminaPermission.Read,
        ["memory.list_conversations"] = LuminaPermission.Read,
        ["memory.get_conversation"] = LuminaPermission.Read,
        ["memory.facts"] = LuminaPermission.Read,
        ["memory.context"] = LuminaPermission.Read,
        ["memory.conversation"] = LuminaPermission.Read,
        ["orchestration.ask"] = LuminaPermission.Execute,
        ["orchestration.synthesize"] = LuminaPermission.Execute,
        ["providers.providers"] = LuminaPermission.Read,
        ["providers.status"] = LuminaPermission.Read,
        ["audit.recent"] = LuminaPermission.Manage,
        ["policy.result"] = LuminaPermission.Read,
    };

    private static ServiceProvider Build(Dictionary<string, string?>? settings = null, Action<ILuminaBuilder>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Lumina:DataDirectory"] = TestData.NewDirectory(),
                // The matrix is about roles: an in-process caller cannot confirm destructive calls, which the policy
                // guard would otherwise refuse (PolicyFilterTests covers that).
                ["Lumina:Policy:AllowDestructiveWithoutConfirmation"] = "true",
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var services = new ServiceCollection();
        var builder = services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        configure?.Invoke(builder);
        // Registered last, so it runs inside the authorization filter: it sees only calls that were let through.
        services.AddSingleton<ReachedFilter>();
        services.AddSingleton<IFunctionInvocationFilter>(sp => sp.GetRequiredService<ReachedFilter>());
        return services.BuildServiceProvider();
    }

    private static LuminaCallContext As(string role) => new(new LuminaCaller("tester-id", "tester", role, LuminaTransport.InProcess, IsAuthenticated: true));

    /// <summary>Invokes a function as <paramref name="role"/>: whether it was refused as forbidden, and the refusal.</summary>
    private static async Task<LuminaForbiddenException?> InvokeAsync(IServiceProvider services, KernelFunction function, string? role)
    {
        var kernel = services.GetRequiredService<Kernel>();
        using var scope = role is null ? null : services.GetRequiredService<ILuminaCallContextAccessor>().Push(As(role));
        try
        {
            await kernel.InvokeAsync(function, new KernelArguments());
            return null;
        }
        catch (LuminaForbiddenException ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Empty arguments, no model, no roots: the call was let through and failed on its own terms.
            return null;
        }
    }

    public static TheoryData<string> Roles => ["admin", "user", "guest", "intruder"];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Matrix_EveryBuiltInFunction_RunsOnlyWhenTheRoleGrantsWhatItNeeds(string role)
    {
        using var services = Build();
        var reached = services.GetRequiredService<ReachedFilter>();
        var registry = services.GetRequiredService<LuminaPluginRegistry>();
        var functions = registry.Plugins.Where(p => p.Source == "builtin").SelectMany(p => p.Functions).ToList();
        functions.Should().Contain(f => f.Kind == LuminaFunctionKind.PromptTemplate, "the built-in prompts are in the matrix too");
        var unauthorizedSuccesses = new List<string>();
        var wronglyRefused = new List<string>();

        foreach (var function in functions)
        {
            var name = $"{function.PluginName}.{function.Function.Name}";
            var needed = function.Kind == LuminaFunctionKind.PromptTemplate
                ? LuminaPermission.Execute
                : s_builtIn.TryGetValue(name, out var listed) ? listed : throw new InvalidOperationException($"{name} is not in the expected matrix.");
            var allowed = role switch
            {
                "admin" => true,
                "user" => needed != LuminaPermission.Manage,
                "guest" => needed == LuminaPermission.Read,
                _ => false,
            };
            services.GetRequiredService<ILuminaAuthorizer>().RequiredPermission(function.Function).Should().Be(needed, name);
            var before = reached.Count(name);

            var refusal = await InvokeAsync(services, function.Function, role);

            var ran = reached.Count(name) > before;
            if (!allowed && (ran || refusal is null))
            {
                unauthorizedSuccesses.Add(name);
            }

            if (allowed && (!ran || refusal is not null))
            {
                wronglyRefused.Add(name);
            }

            if (refusal is not null)
            {
                refusal.Message.Should().Be($"Forbidden: {FunctionNames.Served(function.Function)} needs the '{LuminaRoles.Name(needed)}' permission; tester has the role '{role}'.");
            }
        }

        unauthorizedSuccesses.Should().BeEmpty();
        wronglyRefused.Should().BeEmpty();
    }

    [Fact]
    public async Task InProcessCallerWithoutContext_IsTheLocalUser()
    {
        using var services = Build();
        var write = services.GetRequiredService<LuminaPluginRegistry>().Find("memory", "set_context")!.Function;

        (await InvokeAsync(services, write, role: null)).Should().BeNull();
        services.GetRequiredService<ReachedFilter>().Count("memory.set_context").Should().Be(1);
    }

    [Fact]
    public async Task Overrides_FunctionEntryWinsOverPluginEntry()
    {
        using var services = Build(new()
        {
            ["Lumina:Auth:Permissions:time"] = "manage",
            ["Lumina:Auth:Permissions:time.now"] = "read",
            ["Lumina:Auth:Permissions:files.read"] = "Write",
        });
        var registry = services.GetRequiredService<LuminaPluginRegistry>();

        (await InvokeAsync(services, registry.Find("time", "now")!.Function, "guest")).Should().BeNull();
        (await InvokeAsync(services, registry.Find("time", "convert")!.Function, "user"))!.Message
            .Should().Be("Forbidden: time_convert needs the 'manage' permission; tester has the role 'user'.");
        (await InvokeAsync(services, registry.Find("time", "convert")!.Function, "admin")).Should().BeNull();
        (await InvokeAsync(services, registry.Find("files", "read")!.Function, "guest"))!.Message.Should().Contain("'write'");
        (await InvokeAsync(services, registry.Find("files", "list")!.Function, "guest")).Should().BeNull("only files.read was overridden");
    }

    [Theory]
    [InlineData("Lumina:Auth:Permissions:files.write", "everything", "Lumina:Auth:Permissions:files.write 'everything' is not a permission")]
    [InlineData("Lumina:Auth:LocalRole", "root", "Lumina:Auth:LocalRole 'root' is not a role")]
    [InlineData("Lumina:Auth:AnonymousRole", "nobody", "Lumina:Auth:AnonymousRole 'nobody' is not a role")]
    [InlineData("Lumina:Auth:PasswordIterations", "10000", "Lumina:Auth:PasswordIterations must be at least 600,000")]
    public void InvalidAuthSettings_FailValidationNamingTheSetting(string key, string value, string message)
    {
        using var services = Build(new() { [key] = value });

        var read = () => services.GetRequiredService<IOptions<LuminaAuthOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle(f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void LegacyStdioRole_StillSetsTheLocalRole_UnlessAuthSaysOtherwise()
    {
        using var legacy = Build(new() { ["Lumina:Stdio:Role"] = "guest" });
        using var both = Build(new() { ["Lumina:Stdio:Role"] = "guest", ["Lumina:Auth:LocalRole"] = "admin" });
        using var none = Build();

        legacy.GetRequiredService<IOptions<LuminaAuthOptions>>().Value.LocalRole.Should().Be("guest");
        both.GetRequiredService<IOptions<LuminaAuthOptions>>().Value.LocalRole.Should().Be("admin");
        none.GetRequiredService<IOptions<LuminaAuthOptions>>().Value.LocalRole.Should().Be("user");
    }

    [Fact]
    public void Declared_FollowsAttributesThenAnnotations()
    {
        var plugin = KernelPluginFactory.CreateFromType<DeclaringPlugin>("declaring");
        var undeclared = KernelPluginFactory.CreateFromType<UndeclaredPlugin>("undeclared");

        FunctionPermissions.Declared(plugin["plain"]).Should().Be(LuminaPermission.Write, "the class declares write");
        FunctionPermissions.Declared(plugin["admin_only"]).Should().Be(LuminaPermission.Manage, "the method wins over the class");
        FunctionPermissions.Declared(undeclared["reads"]).Should().Be(LuminaPermission.Read);
        FunctionPermissions.Declared(undeclared["destroys"]).Should().Be(LuminaPermission.Write);
        FunctionPermissions.Declared(undeclared["changes"]).Should().Be(LuminaPermission.Write);
        FunctionPermissions.Declared(undeclared["runs"]).Should().Be(LuminaPermission.Execute);
        FunctionPermissions.Declared(undeclared["resource"]).Should().Be(LuminaPermission.Read);
        FunctionPermissions.Declared(KernelFunctionFactory.CreateFromPrompt("Say hi")).Should().Be(LuminaPermission.Execute);
    }

    [Fact]
    public async Task ToolSet_CallerSeesAndCallsOnlyItsSet_AndTheRefusalSaysWhy()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Lumina:ToolSets:clock:Include:0"] = "time_*",
            ["Lumina:ToolSets:clock:Exclude:0"] = "time_difference",
        });
        var kernel = services.GetRequiredService<Kernel>();
        var authorizer = services.GetRequiredService<ILuminaAuthorizer>();
        var caller = new LuminaCaller("tester-id", "tester", "admin", LuminaTransport.InProcess, IsAuthenticated: true) { ToolSet = "clock" };
        var now = kernel.Plugins.GetFunction("time", "now");
        var difference = kernel.Plugins.GetFunction("time", "difference");
        var read = kernel.Plugins.GetFunction("files", "read");

        authorizer.IsAllowed(caller, now).Should().BeTrue();
        authorizer.IsAllowed(caller, difference).Should().BeFalse();
        authorizer.IsAllowed(caller, read).Should().BeFalse();
        authorizer.IsAllowed(caller with { ToolSet = "missing" }, now).Should().BeFalse("an unknown set holds nothing");
        authorizer.IsAllowed(caller with { ToolSet = null }, read).Should().BeTrue();
        using var scope = services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(caller));
        var refused = async () => await kernel.InvokeAsync(read, new KernelArguments { ["path"] = "a.txt" });
        (await refused.Should().ThrowAsync<LuminaForbiddenException>()).WithMessage("Forbidden: files_read is not in the tool set 'clock' that tester uses.");
        (await kernel.InvokeAsync(now, new KernelArguments())).GetValue<object>().Should().NotBeNull();
    }

    [Fact]
    public void BadToolSet_FailsAtStartNamingIt()
    {
        using var services = Build(new Dictionary<string, string?> { ["Lumina:ToolSets:bad name:Include:0"] = "files_*" });

        var resolve = () => services.GetRequiredService<IOptions<Lumina.Core.ToolSets.ToolSetsOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().WithMessage("*Lumina:ToolSets:bad name*");
    }

    [Fact]
    public void Roles_GrantWhatTheDesignSays()
    {
        LuminaRoles.Permissions("admin").Should().BeEquivalentTo([LuminaPermission.Read, LuminaPermission.Write, LuminaPermission.Execute, LuminaPermission.Manage]);
        LuminaRoles.Permissions("USER").Should().BeEquivalentTo([LuminaPermission.Read, LuminaPermission.Write, LuminaPermission.Execute]);
        LuminaRoles.Permissions("guest").Should().BeEquivalentTo([LuminaPermission.Read]);
        LuminaRoles.Permissions("root").Should().BeEmpty();
        LuminaRoles.Permissions(null).Should().BeEmpty();
    }

    [LuminaRequires(LuminaPermission.Write)]
    public sealed class DeclaringPlugin
    {
        [KernelFunction("plain"), Description("Plain.")]
        [LuminaTool(ReadOnly = true)]
        public string Plain() => "plain";

        [KernelFunction("admin_only"), Description("Admin only.")]
        [LuminaRequires(LuminaPermission.Manage)]
        public string AdminOnly() => "admin";
    }

    public sealed class UndeclaredPlugin
    {
        [KernelFunction("reads"), Description("Reads.")]
        [LuminaTool(ReadOnly = true)]
        public string Reads() => "r";

        [KernelFunction("destroys"), Description("Destroys.")]
        [LuminaTool(Destructive = true)]
        public string Destroys() => "d";

        [KernelFunction("changes"), Description("Changes.")]
        [LuminaTool(Idempotent = true)]
        public string Changes() => "c";

        [KernelFunction("runs"), Description("Runs.")]
        public string Runs() => "x";

        [KernelFunction("resource"), Description("A resource.")]
        [LuminaResource("test://thing")]
        public string Resource() => "thing";
    }

    /// <summary>Counts the calls that reached the inside of the filter pipeline, per function.</summary>
    private sealed class ReachedFilter : IFunctionInvocationFilter
    {
        private readonly Dictionary<string, int> _counts = [];

        public int Count(string name)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(name);
            }
        }

        public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            lock (_counts)
            {
                var name = $"{context.Function.PluginName}.{context.Function.Name}";
                _counts[name] = _counts.GetValueOrDefault(name) + 1;
            }

            return next(context);
        }
    }
}
