using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Lumina.Host.Auth;

/// <summary>
/// The callers of bearer tokens checked in the last <see cref="HttpAuthOptions.IdentityCacheDuration"/>: a request that
/// presents the same token again is that caller without its signature, lifetime and claims being checked again and
/// without a second look in the identity store.
/// </summary>
/// <remarks>
/// <para>
/// A token is kept only once it has passed every check (<see cref="Keep"/> is called after <see cref="CallerCheck"/>
/// confirmed it), keyed by the whole <c>Authorization</c> header, and for no longer than the identity cache already
/// reuses the store's answer about its user and key (counted from when that answer was read), nor past the token's
/// own expiry: a removed user, a changed role or a revoked key takes effect within the same time as before. A refused token is never kept, so bad credentials
/// cannot fill it; at most <see cref="MaxEntries"/> tokens are kept.
/// </para>
/// <para>
/// Why: over HTTP every request carries its token, and a 2026-07-28 client sends every request on its own (no
/// session), so checking the token was repeated work on each call (<c>bench/README.md</c>).
/// </para>
/// <para>
/// The principal is shared by the requests that present the token: nothing after authentication may change it
/// (<see cref="Http.ToolSetEndpoints"/> gives a request a new principal rather than adding to it).
/// </para>
/// </remarks>
internal sealed class ValidatedTokens(IOptions<HttpAuthOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>The most tokens kept at once.</summary>
    public const int MaxEntries = 10_000;

    private readonly TimeSpan _duration = options.Value.IdentityCacheDuration;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    /// <summary>The caller of a token kept from an earlier request, when <paramref name="authorization"/> presents one.</summary>
    public bool TryGet(StringValues authorization, out ClaimsPrincipal? principal)
    {
        principal = null;
        return _duration > TimeSpan.Zero
            && authorization.Count == 1
            && _cache.TryGetValue(authorization[0]!, out principal)
            && principal is not null;
    }

    /// <summary>
    /// Keeps the caller of a token that passed every check until the store's answers behind the check would be read
    /// again (<paramref name="confirmedAsOf"/> plus the identity cache's time), and never past the token's expiry.
    /// </summary>
    /// <param name="authorization">The request's <c>Authorization</c> header.</param>
    /// <param name="principal">The confirmed caller.</param>
    /// <param name="expires">When the token expires (UTC).</param>
    /// <param name="confirmedAsOf">When the identity store's answers the confirmation used were read (<see cref="CallerCheck.ConfirmTokenAsync"/>).</param>
    public void Keep(StringValues authorization, ClaimsPrincipal principal, DateTime expires, DateTimeOffset confirmedAsOf)
    {
        if (_duration <= TimeSpan.Zero || authorization.Count != 1)
        {
            return;
        }

        var until = confirmedAsOf + _duration;
        var tokenEnds = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
        if (tokenEnds < until)
        {
            until = tokenEnds;
        }

        if (until <= time.GetUtcNow())
        {
            return;
        }

        using var entry = _cache.CreateEntry(authorization[0]!);
        entry.Value = principal;
        entry.Size = 1;
        entry.AbsoluteExpiration = until;
    }

    public void Dispose() => _cache.Dispose();
}
