namespace Lumina.Abstractions;

/// <summary>The <see cref="ILuminaCallContextAccessor"/> that flows with the async context.</summary>
public sealed class LuminaCallContextAccessor : ILuminaCallContextAccessor
{
    private static readonly AsyncLocal<ILuminaCallContext?> s_current = new();

    /// <inheritdoc />
    public ILuminaCallContext Current => s_current.Value ?? LuminaCallContext.InProcess;

    /// <inheritdoc />
    public IDisposable Push(ILuminaCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = s_current.Value;
        s_current.Value = context;
        return new Scope(previous);
    }

    private sealed class Scope(ILuminaCallContext? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
