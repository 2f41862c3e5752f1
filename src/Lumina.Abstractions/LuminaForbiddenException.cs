namespace Lumina.Abstractions;

/// <summary>
/// The caller may not invoke the function: their role lacks the permission it needs. A refusal of kind
/// <see cref="LuminaRefusalKind.Forbidden"/>.
/// </summary>
public sealed class LuminaForbiddenException : LuminaRefusalException
{
    public LuminaForbiddenException()
        : base(LuminaRefusalKind.Forbidden, string.Empty)
    {
    }

    public LuminaForbiddenException(string message)
        : base(LuminaRefusalKind.Forbidden, message)
    {
    }

    public LuminaForbiddenException(string message, Exception? innerException)
        : base(LuminaRefusalKind.Forbidden, message, innerException)
    {
    }
}
