using System.Globalization;
using Lumina.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers.Tests;

/// <summary>A Lumina service provider over scripted providers, configured as a user would: through settings.</summary>
internal static class ProviderHost
{
    /// <summary>One openai-kind provider's settings.</summary>
    public static Dictionary<string, string?> Provider(string name, string endpoint, int priority = 100, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Lumina:Providers:{name}:Kind"] = "openai",
            [$"Lumina:Providers:{name}:Model"] = $"{name}-model",
            [$"Lumina:Providers:{name}:Endpoint"] = endpoint,
            [$"Lumina:Providers:{name}:ApiKey"] = "test-key",
            [$"Lumina:Providers:{name}:Priority"] = priority.ToString(CultureInfo.InvariantCulture),
            [$"Lumina:Providers:{name}:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in extra)
        {
            settings[$"Lumina:Providers:{name}:{key}"] = value;
        }

        return settings;
    }

    public static ServiceProvider Build(IEnumerable<Dictionary<string, string?>> parts, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lumina:DataDirectory"] = TestData.NewDirectory(),
            ["Lumina:Prompts:BuiltIn"] = "false",
            ["Lumina:Memory:Filter:Enabled"] = "false",
            ["Lumina:Routing:RetryDelay"] = "00:00:00.010",
        };
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                settings[key] = value;
            }
        }

        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        configure?.Invoke(services);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddLumina(configuration).AddSqliteStores().AddBuiltInPlugins(configuration).AddProviders(configuration);
        return services.BuildServiceProvider();
    }
}

/// <summary>A clock the test moves by hand (timers still run on real time).</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
