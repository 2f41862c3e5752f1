using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Lumina.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests;

public sealed class AddLuminaTests
{
    private static ServiceProvider Build(Dictionary<string, string?>? settings = null, Action<ILuminaBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = TestData.NewDirectory() })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var collection = new ServiceCollection();
        var builder = collection.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        configure?.Invoke(builder);
        services?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    [Fact]
    public async Task Kernel_InProcess_InvokesAPluginFunction()
    {
        using var provider = Build(configure: b => b.AddPlugin<GreeterPlugin>());
        var kernel = provider.GetRequiredService<Kernel>();

        var result = await kernel.InvokeAsync<string>("greeter", "greet", new() { ["name"] = "Ada" });

        result.Should().Be("Hello, Ada (InProcess)!");
    }

    [Fact]
    public void Kernel_HasTheBuiltInPluginsAndPrompts()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();

        kernel.Plugins.Select(p => p.Name).Should().Contain(["files", "time", "system", "memory", "web", "code", "text", "tasks"]);
    }

    [Fact]
    public void Kernel_EachResolutionIsIndependent()
    {
        using var provider = Build();
        var first = provider.GetRequiredService<Kernel>();
        var second = provider.GetRequiredService<Kernel>();

        first.Plugins.AddFromObject(new GreeterPlugin(new LuminaCallContextAccessor()), "mine");

        second.Plugins.Select(p => p.Name).Should().NotContain("mine");
        provider.GetRequiredService<LuminaPluginRegistry>().Plugins.Select(p => p.Name).Should().NotContain("mine");
    }

    [Fact]
    public async Task Kernel_InProcessInvocation_PassesThroughFilters()
    {
        var filter = new RecordingFilter();
        using var provider = Build(configure: b => b.AddPlugin<GreeterPlugin>(), services: s => s.AddSingleton<IFunctionInvocationFilter>(filter));

        await provider.GetRequiredService<Kernel>().InvokeAsync("greeter", "greet", new() { ["name"] = "x" });

        filter.Seen.Should().Equal("greeter.greet");
    }

    [Fact]
    public void Disabled_BuiltInPlugin_IsNotLoaded()
    {
        using var provider = Build(new() { ["Lumina:Plugins:Disabled:0"] = "files" });

        provider.GetRequiredService<LuminaPluginRegistry>().Plugins.Select(p => p.Name).Should().NotContain("files").And.Contain("time");
    }

    [Fact]
    public void Options_MissingPluginDirectory_FailsNamingTheSetting()
    {
        using var provider = Build(new() { ["Lumina:Plugins:Directories:0"] = "/no/such/dir" });

        var read = () => provider.GetRequiredService<IOptions<Lumina.Core.Configuration.LuminaOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*Lumina:Plugins:Directories:0*");
    }

    [Fact]
    public async Task ChatClient_WithoutAProviderOrSamplingClient_SaysHowToConfigureOne()
    {
        using var provider = Build();
        var chat = provider.GetRequiredService<IChatClient>();

        var ask = async () => await chat.GetResponseAsync("hello");

        (await ask.Should().ThrowAsync<LuminaClientCapabilityException>()).Which.Message.Should().Contain("Lumina__Providers__");
    }

    [Fact]
    public async Task ChatClient_WithASamplingCallContext_AsksTheClientsModel()
    {
        using var provider = Build();
        var accessor = provider.GetRequiredService<ILuminaCallContextAccessor>();
        using var scope = accessor.Push(new SamplingContext());

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("ping");

        response.Text.Should().Be("pong from the client");
    }

    public sealed class GreeterPlugin(ILuminaCallContextAccessor context)
    {
        [KernelFunction("greet"), Description("Greets someone.")]
        public string Greet([Description("Who.")] string name) => $"Hello, {name} ({context.Current.Caller.Transport})!";
    }

    private sealed class RecordingFilter : IFunctionInvocationFilter
    {
        public List<string> Seen { get; } = [];

        public async Task OnFunctionInvocationAsync(Microsoft.SemanticKernel.FunctionInvocationContext context, Func<Microsoft.SemanticKernel.FunctionInvocationContext, Task> next)
        {
            Seen.Add($"{context.Function.PluginName}.{context.Function.Name}");
            await next(context);
        }
    }

    private sealed class SamplingContext() : LuminaCallContext(LuminaCaller.InProcess, new LuminaClientInfo("t", "1", CanSample: true, CanElicit: false, CanListRoots: false))
    {
        public override Task<ChatResponse> SampleAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{messages.Last().Text}".Replace("ping", "pong from the client", StringComparison.Ordinal))));
    }
}
