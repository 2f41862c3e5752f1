namespace Lumina.Abstractions;

/// <summary>Severity of a message sent to the client's log (the syslog levels MCP uses).</summary>
public enum LuminaLogLevel
{
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}
