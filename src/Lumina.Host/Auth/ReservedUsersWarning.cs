using Lumina.Core.Auth;

namespace Lumina.Host.Auth;

/// <summary>
/// At start, says in the log which stored users have a reserved name (added before names were reserved): they cannot
/// sign in, and should be removed. Runs in the background, so it neither delays the start nor stops it when the store
/// cannot be read yet.
/// </summary>
internal sealed partial class ReservedUsersWarning(ILuminaIdentityStore store, IHostApplicationLifetime lifetime, ILogger<ReservedUsersWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(WarnAsync, lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WarnAsync()
    {
        try
        {
            foreach (var user in await store.ListUsersAsync(lifetime.ApplicationStopping).ConfigureAwait(false))
            {
                if (ReservedUserNames.Contains(user.Username))
                {
                    LogReservedUser(user.Username);
                }
            }
        }
#pragma warning disable CA1031 // A warning that cannot be given must not take the host down; readiness reports the store.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnchecked(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The user '{Name}' has a reserved name (the identity of callers who are not users): it cannot sign in, and its tokens and keys are refused. Remove it with 'lumina users remove {Name}'.")]
    private partial void LogReservedUser(string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not look for users with reserved names at start: {Reason}")]
    private partial void LogUnchecked(string reason);
}
