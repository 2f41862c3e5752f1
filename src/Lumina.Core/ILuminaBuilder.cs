using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core;

/// <summary>Configures the Lumina kernel added by <c>AddLumina</c>.</summary>
public interface ILuminaBuilder
{
    /// <summary>The service collection Lumina is added to.</summary>
    IServiceCollection Services { get; }
}
