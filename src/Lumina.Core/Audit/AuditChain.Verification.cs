namespace Lumina.Core.Audit;

/// <summary>How a chain is verified.</summary>
internal static partial class AuditChain
{
    /// <summary>
    /// Walks <paramref name="records"/> in the store's order against the stored <paramref name="head"/> and reports the
    /// first record that is not where, or what, the chain says it should be.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, AuditHead? head, CancellationToken cancellationToken)
    {
        var stored = head ?? new AuditHead(0, GenesisHash);
        var expected = 1L;
        var previousHash = GenesisHash;
        await using var walk = records.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await walk.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (AuditUnreadableException ex)
            {
                return Bad(expected, AuditFault.Unreadable, $"record {expected} cannot be read: {ex.Reason}.");
            }

            var record = walk.Current;
            if (expected > stored.Sequence)
            {
                return Bad(expected, AuditFault.Altered, $"record {expected} is beyond the stored head (which covers {stored.Sequence} records): it was added outside the ledger, or the head was rewritten.");
            }

            if (!string.Equals(ComputeHash(record), record.Hash, StringComparison.Ordinal))
            {
                return Bad(expected, AuditFault.Altered, $"record {expected} was altered: its contents do not match its hash.");
            }

            if (record.Sequence > expected)
            {
                return await IsLaterAsync(walk, expected).ConfigureAwait(false)
                    ? Bad(expected, AuditFault.Reordered, $"record {expected} is out of order: record {record.Sequence} stands in its place and {expected} comes later.")
                    : Bad(expected, AuditFault.Removed, $"record {expected} was removed: the ledger goes from record {expected - 1} to {record.Sequence}.");
            }

            if (record.Sequence < expected)
            {
                return Bad(expected, AuditFault.Reordered, $"record {expected} is out of order: record {record.Sequence} appears again in its place.");
            }

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return Bad(expected, AuditFault.Removed, $"record {expected} does not follow record {expected - 1} (its previous hash differs): records were removed or rewritten before it.");
            }

            previousHash = record.Hash;
            expected++;
        }

        var count = expected - 1;
        if (count < stored.Sequence)
        {
            return Bad(expected, AuditFault.Truncated, $"the ledger ends at record {count} but its stored head says {stored.Sequence}: records from {expected} on were cut off.");
        }

        if (!string.Equals(previousHash, stored.Hash, StringComparison.Ordinal))
        {
            return Bad(count, AuditFault.Altered, $"record {count} does not match the stored head's hash: the chain was rewritten.");
        }

        return new AuditVerification(count, count == 0 ? null : stored.Hash);

        AuditVerification Bad(long sequence, AuditFault fault, string reason) => new(sequence - 1, stored.Sequence == 0 ? null : stored.Hash, sequence, fault, reason);
    }

    /// <summary>Whether a sound record numbered <paramref name="sequence"/> follows in the rest of the walk.</summary>
    private static async Task<bool> IsLaterAsync(IAsyncEnumerator<AuditRecord> walk, long sequence)
    {
        try
        {
            while (await walk.MoveNextAsync().ConfigureAwait(false))
            {
                if (walk.Current.Sequence == sequence && string.Equals(ComputeHash(walk.Current), walk.Current.Hash, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (AuditUnreadableException)
        {
            // The rest cannot be read: the missing record is not known to come later.
        }

        return false;
    }
}
