using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Lumina.Abstractions.Memory;
using Lumina.Core.Audit;
using Lumina.Core.Auth;
using Lumina.Core.Memory;
using Lumina.Core.Policy;
using Lumina.Core.Budgets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Lumina.Core;

/// <summary>
/// The Redis connection (<c>ConnectionStrings:redis</c>) that a host's stores share, made when the first store asks for
/// it, and the factories of those stores. Public so that a program hosting Lumina's services (the HTTP host's readiness
/// check, for one) reaches the same connection rather than opening its own.
/// </summary>
/// <remarks>
/// Every Redis type is named only inside this class's methods, none inlined into a caller: the JIT loads an assembly
/// when it compiles a method that names one of its types, so the registrations, which name these factories instead,
/// leave a host on the embedded store without the Redis client loaded (it held ~1 MiB of such a host's resident
/// memory, measured).
/// </remarks>
public sealed class RedisConnection(IConfiguration configuration) : IDisposable
{
    private readonly Lock _gate = new();

    // The ConnectionMultiplexer, typed object so that loading this class does not load Redis.
    private object? _multiplexer;
    private bool _disposed;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ILuminaMemory Memory(IServiceProvider services, MemoryOptions options, TimeProvider time, FactEmbedder embedder) =>
        new RedisMemory(Get(services), options, time, embedder);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ILuminaResourceNotifier ResourceNotifier(IServiceProvider services, MemoryOptions options) =>
        new RedisResourceNotifier(
            Get(services),
            services.GetRequiredService<LuminaResourceChangeHub>(),
            options,
            services.GetRequiredService<ILogger<RedisResourceNotifier>>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static IRateLimitStore RateLimits(IServiceProvider services, string keyPrefix, TimeProvider time) =>
        new RedisRateLimitStore(Get(services), keyPrefix, time);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static ILuminaIdentityStore Identities(IServiceProvider services, string keyPrefix, LuminaAuthOptions options, TimeProvider time) =>
        new RedisIdentityStore(Get(services), keyPrefix, options, time);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static IBudgetStore Budgets(IServiceProvider services, string keyPrefix, TimeProvider time) =>
        new RedisBudgetStore(Get(services), keyPrefix, time);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static IAuditLedger AuditLedger(IServiceProvider services, string keyPrefix, TimeProvider time) =>
        new RedisAuditLedger(Get(services), keyPrefix, time);

    /// <summary>The host's connection, made on first use.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static IConnectionMultiplexer Get(IServiceProvider services) => services.GetRequiredService<RedisConnection>().Multiplexer;

    /// <summary>
    /// The connection, made on first use: it connects once and fails if Redis is not there; after that it heals by
    /// itself when Redis comes back, and calls made while it is away fail with a clear error.
    /// </summary>
    public IConnectionMultiplexer Multiplexer
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return (IConnectionMultiplexer)(_multiplexer ??= Connect(configuration.GetConnectionString("redis")));
            }
        }
    }

    public void Dispose()
    {
        object? multiplexer;
        lock (_gate)
        {
            multiplexer = _multiplexer;
            _multiplexer = null;
            _disposed = true;
        }

        (multiplexer as IDisposable)?.Dispose();
    }

    private static ConnectionMultiplexer Connect(string? connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString ?? throw new LuminaStartupException("ConnectionStrings:redis is not set."));
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 2;
        options.ClientName ??= "lumina";
        try
        {
            return ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException ex)
        {
            throw new LuminaStartupException(
                $"ConnectionStrings:redis ('{string.Join(", ", options.EndPoints.Select(e => e.ToString()))}') cannot be reached ({ex.Message.Split('.')[0]}). Start Redis, fix the address, or set Lumina:Store=sqlite.", ex);
        }
    }
}
