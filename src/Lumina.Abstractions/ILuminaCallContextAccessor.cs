namespace Lumina.Abstractions;

/// <summary>Gives access to the call context of the invocation running on the current async flow.</summary>
public interface ILuminaCallContextAccessor
{
    /// <summary>
    /// The current call's context; <see cref="LuminaCallContext.InProcess"/> when no transport set one
    /// (a .NET program invoking the kernel directly).
    /// </summary>
    ILuminaCallContext Current { get; }

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    IDisposable Push(ILuminaCallContext context);
}

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
