using Lumina.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core.Tests;

/// <summary>The store backend a test's configuration asks for: Redis when it names a Redis server, SQLite otherwise.</summary>
internal static class TestStores
{
    public static ILuminaBuilder AddTestStores(this ILuminaBuilder builder, IConfiguration configuration) =>
        configuration.GetConnectionString("redis") is { Length: > 0 }
            ? builder.AddRedisStores(configuration)
            : builder.AddSqliteStores();
}
