namespace Lumina.Core;

/// <summary>Lumina cannot start: a setting points at something that is not there. The message names the setting.</summary>
public sealed class LuminaStartupException : Exception
{
    public LuminaStartupException()
    {
    }

    public LuminaStartupException(string message)
        : base(message)
    {
    }

    public LuminaStartupException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
