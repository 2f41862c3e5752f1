namespace Lumina.Host.Cli;

/// <summary>A usage mistake found while a command runs: the message says what to type instead.</summary>
internal sealed class UsageException(string message) : Exception(message);
