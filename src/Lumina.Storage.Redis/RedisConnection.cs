using Lumina.Core;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Lumina.Storage.Redis;

/// <summary>
/// The Redis connection (<c>ConnectionStrings:redis</c>) that a host's stores share, made when the first store asks for
/// it.
/// </summary>
public sealed class RedisConnection(IConfiguration configuration) : IDisposable
{
    private readonly Lock _gate = new();

    private ConnectionMultiplexer? _multiplexer;
    private bool _disposed;

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
                return _multiplexer ??= Connect(configuration.GetConnectionString("redis"));
            }
        }
    }

    public void Dispose()
    {
        ConnectionMultiplexer? multiplexer;
        lock (_gate)
        {
            multiplexer = _multiplexer;
            _multiplexer = null;
            _disposed = true;
        }

        multiplexer?.Dispose();
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
