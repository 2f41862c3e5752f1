using Lumina.Abstractions;

namespace Lumina.Core.Invocation;

/// <summary>
/// The one classification of what a call threw, by type and kind (never by message text), shared by the invoker, the
/// audit filter and the telemetry filter.
/// </summary>
internal static class Refusals
{
    /// <summary>
    /// The refusal kind of <paramref name="exception"/>, or null when it is no refusal (an unexpected failure). A
    /// <see cref="LuminaException"/> that names no kind is taken as <see cref="LuminaRefusalKind.InvalidArgument"/>.
    /// </summary>
    public static LuminaRefusalKind? KindOf(Exception exception) => exception switch
    {
        LuminaRefusalException refusal => refusal.Kind,
        LuminaException => LuminaRefusalKind.InvalidArgument,
        _ => null,
    };

    /// <summary>
    /// Whether a refusal of <paramref name="kind"/> is a denial: an access rule or one of the guard's caps stopped the
    /// call (the audit ledger records it as denied). Other refusals are the function's own answer to the call.
    /// </summary>
    public static bool IsDenial(LuminaRefusalKind kind) => kind is LuminaRefusalKind.Forbidden or LuminaRefusalKind.Limit or LuminaRefusalKind.TooLarge;

    /// <summary>Whether <paramref name="exception"/> is a denial (see <see cref="IsDenial(LuminaRefusalKind)"/>).</summary>
    public static bool IsDenial(Exception exception) => KindOf(exception) is { } kind && IsDenial(kind);
}
