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
