namespace Lumina.Abstractions;

/// <summary>
/// A limit stops the call for now: a rate limit (<see cref="LuminaRefusalKind.Limit"/>, the default) or a spent budget
/// (<see cref="LuminaRefusalKind.Budget"/>). The caller may try again later (HTTP 429).
/// </summary>
public sealed class LuminaLimitException : LuminaRefusalException
{
    public LuminaLimitException()
        : base(LuminaRefusalKind.Limit, string.Empty)
    {
    }

    public LuminaLimitException(string message)
        : base(LuminaRefusalKind.Limit, message)
    {
    }

    public LuminaLimitException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Limit, message, innerException)
    {
    }
}
