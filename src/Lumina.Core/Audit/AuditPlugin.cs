using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Audit;

/// <summary>The audit ledger for administrators: the most recent records, as a resource.</summary>
/// <remarks>
/// It refuses any caller who is not an administrator by itself, whatever authorization is configured around it: the
/// ledger shows who called what, and that is not every caller's business.
/// </remarks>
[LuminaRequires(LuminaPermission.Manage)]
[LuminaPlugin("audit", Description = "The audit ledger: a hash-chained record of every call (administrators only).")]
public sealed class AuditPlugin(IAuditLedger ledger, ILuminaCallContextAccessor context)
{
    /// <summary>The recent records, as a resource.</summary>
    public const string RecentUri = "lumina://audit/recent";

    /// <summary>How many records the resource returns.</summary>
    public const int RecentCount = 100;

    [KernelFunction("recent"), Description("The most recent audit records (who called which function, how it ended, when), oldest first. Administrators only.")]
    [LuminaResource(RecentUri, Name = "audit_recent", Title = "Recent audit records", MimeType = "application/json")]
    public async Task<IReadOnlyList<AuditRecord>> RecentAsync(CancellationToken cancellationToken = default)
    {
        var caller = context.Current.Caller;
        if (!string.Equals(caller.Role, "admin", StringComparison.OrdinalIgnoreCase))
        {
            throw new LuminaForbiddenException($"Forbidden: the audit ledger is for administrators; '{caller.Id}' has the role '{caller.Role}'.");
        }

        return await ledger.ReadRecentAsync(RecentCount, cancellationToken).ConfigureAwait(false);
    }
}
