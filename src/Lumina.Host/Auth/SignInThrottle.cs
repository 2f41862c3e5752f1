using Lumina.Core.Auth;
using Microsoft.Extensions.Options;

namespace Lumina.Host.Auth;

/// <summary>
/// Slows and then locks out repeated failed sign-ins at <c>POST /token</c>, per user name and per client address.
/// An attempt is reserved in the identity store before its password or key is checked, so however many guesses arrive
/// at once, at most <see cref="SignInLockoutOptions.MaxFailures"/> passwords of a name are checked per window; a
/// locked-out name or address is refused before anything is checked.
/// </summary>
/// <remarks>
/// The counts live in the identity store: hosts sharing a Redis store share them (a lockout holds on every host), and
/// records are dropped when their window and lockout are over, so guessing with made-up names cannot grow them without limit.
/// </remarks>
internal sealed partial class SignInThrottle(ILuminaIdentityStore store, IOptions<HttpAuthOptions> options, ILogger<SignInThrottle> logger)
{
    /// <summary>Keys are cut to this length: a valid user name is at most 64 characters, so no two valid names meet.</summary>
    private const int MaxKeyLength = 128;

    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(2);
    private readonly ILuminaIdentityStore _store = store;
    private readonly SignInLockoutOptions _options = options.Value.Lockout;
    private readonly SignInLimit _userLimit = new(options.Value.Lockout.MaxFailures, options.Value.Lockout.Window, options.Value.Lockout.Duration);
    private readonly SignInLimit _clientLimit = new(options.Value.Lockout.MaxFailuresPerClient, options.Value.Lockout.Window, options.Value.Lockout.Duration);

    /// <summary>
    /// Reserves an attempt for <paramref name="username"/> (when the grant names one) and <paramref name="client"/>;
    /// the answer says whether it may go ahead, and must then be settled with <see cref="Attempt.Failed"/> or
    /// <see cref="Attempt.SucceededAsync"/> (an attempt never settled counts as failed).
    /// </summary>
    public async Task<Attempt> ReserveAsync(string? username, string client, CancellationToken cancellationToken)
    {
        var userKey = username is null ? null : Key("u:", username.Trim().ToLowerInvariant());
        var clientKey = Key("c:", client);
        var user = userKey is null ? null : await _store.ReserveSignInAsync(userKey, _userLimit, cancellationToken).ConfigureAwait(false);
        if (user is { Granted: false })
        {
            return new Attempt(this, null, clientKey, 0, 0, user.RetryAfter);
        }

        var byClient = await _store.ReserveSignInAsync(clientKey, _clientLimit, cancellationToken).ConfigureAwait(false);
        if (!byClient.Granted)
        {
            if (userKey is not null)
            {
                // Not checked after all: the name's reservation is given back.
                await _store.ReleaseSignInAsync(userKey, _userLimit, forget: false, cancellationToken).ConfigureAwait(false);
            }

            return new Attempt(this, null, clientKey, 0, 0, byClient.RetryAfter);
        }

        return new Attempt(this, userKey, clientKey, user?.Attempts ?? 0, byClient.Attempts, null);
    }

    private static string Key(string kind, string value) => kind + (value.Length > MaxKeyLength ? value[..MaxKeyLength] : value);

    /// <summary>A reserved sign-in attempt.</summary>
    internal sealed class Attempt(SignInThrottle throttle, string? userKey, string clientKey, int userAttempts, int clientAttempts, TimeSpan? lockedFor)
    {
        /// <summary>When the name or the client is locked out: how long it still lasts (nothing may be checked).</summary>
        public TimeSpan? LockedFor { get; } = lockedFor;

        /// <summary>Records the attempt as failed (it stays counted); returns how long to hold the answer back (longer with each failure).</summary>
        public TimeSpan Failed()
        {
            var options = throttle._options;
            if (userKey is not null && userAttempts >= options.MaxFailures)
            {
                throttle.LogLockedOut(userKey, userAttempts, options.Duration.TotalSeconds);
            }

            if (clientAttempts >= options.MaxFailuresPerClient)
            {
                throttle.LogLockedOut(clientKey, clientAttempts, options.Duration.TotalSeconds);
            }

            var delay = options.Delay * Math.Pow(2, Math.Min(Math.Max(userAttempts, clientAttempts) - 1, 10));
            return delay > s_maxDelay ? s_maxDelay : delay;
        }

        /// <summary>
        /// Records the attempt as successful: the name's failures are forgotten; the client's attempt is given back (not
        /// its earlier failures: one good account must not reset guessing at others).
        /// </summary>
        public async Task SucceededAsync(CancellationToken cancellationToken)
        {
            var store = throttle._store;
            if (userKey is not null)
            {
                await store.ReleaseSignInAsync(userKey, throttle._userLimit, forget: true, cancellationToken).ConfigureAwait(false);
            }

            await store.ReleaseSignInAsync(clientKey, throttle._clientLimit, forget: false, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locked out sign-ins for {Who} after {Failures} failures, for {Seconds} s.")]
    private partial void LogLockedOut(string who, int failures, double seconds);
}
