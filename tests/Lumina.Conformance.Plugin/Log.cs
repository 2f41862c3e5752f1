using Microsoft.Extensions.Logging;

namespace Lumina.Conformance.Plugin;

/// <summary>The fixture plugin's log messages, for reading a conformance run from the host's log.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "test_reconnection: the stream was released for polling: {Released}")]
    public static partial void Reconnection(ILogger logger, bool released);

    [LoggerMessage(2, LogLevel.Information, "Notified the subscribers of {Uri}")]
    public static partial void WatchedResourceUpdated(ILogger logger, string uri);
}
