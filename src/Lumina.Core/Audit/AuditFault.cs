namespace Lumina.Core.Audit;

/// <summary>Why verification stopped at a record.</summary>
public enum AuditFault
{
    /// <summary>The record's contents do not match its hash.</summary>
    Altered,

    /// <summary>A record is missing: the sequence skips it, or the link to the previous hash is broken.</summary>
    Removed,

    /// <summary>The record is present, but not where the chain puts it.</summary>
    Reordered,

    /// <summary>The ledger ends before the stored head: records were cut off its end.</summary>
    Truncated,

    /// <summary>A record, or the store, cannot be read: a field is missing, NULL or of the wrong type, or the file is damaged.</summary>
    Unreadable,
}
