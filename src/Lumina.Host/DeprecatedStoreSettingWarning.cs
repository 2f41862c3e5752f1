namespace Lumina.Host;

/// <summary>Says once, when the host starts, that the store was named by <c>Lumina:Memory:Store</c> rather than <c>Lumina:Store</c>.</summary>
internal sealed partial class DeprecatedStoreSettingWarning(ILoggerFactory loggers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDeprecated(loggers.CreateLogger("Lumina.Configuration"), LuminaStoreSwitch.LegacyStoreSetting, LuminaStoreSwitch.StoreSetting);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Legacy} is deprecated: set {Setting} instead (it names the store of every service, not only memory).")]
    private static partial void LogDeprecated(ILogger logger, string legacy, string setting);
}
