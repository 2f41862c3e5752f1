using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Core.Storage;

/// <summary>Finds the one store backend a host has, or says clearly why there is not exactly one.</summary>
internal static class StoreBackends
{
    public static LuminaStoreBackend Single(IServiceProvider services)
    {
        var backends = services.GetServices<LuminaStoreBackend>().ToList();
        return backends switch
        {
            [var one] => one,
            [] => throw new LuminaStartupException(
                "No store is registered: add one to the Lumina builder, AddSqliteStores() (embedded files) or AddRedisStores(configuration) (shared by hosts)."),
            _ => throw new LuminaStartupException(
                $"{backends.Count} stores are registered ({string.Join(", ", backends.Select(b => b.Name))}): add only one of AddSqliteStores() or AddRedisStores(configuration)."),
        };
    }
}
