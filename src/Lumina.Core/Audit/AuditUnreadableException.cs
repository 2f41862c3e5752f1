namespace Lumina.Core.Audit;

/// <summary>
/// A stored record, or the store itself, cannot be read as a ledger: a column is NULL or of the wrong type, an entry is
/// not a record, the file is damaged. Verification reports it as <see cref="AuditFault.Unreadable"/> at the record it
/// reached; reads fail with it, naming what is wrong, instead of with the storage library's own exception.
/// </summary>
public sealed class AuditUnreadableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What cannot be read and why, as a sentence without its final period.</param>
    /// <param name="innerException">The storage library's failure, when there is one.</param>
    public AuditUnreadableException(string reason, Exception? innerException = null)
        : base(reason, innerException)
    {
        Reason = reason;
    }

    /// <summary>What cannot be read and why.</summary>
    public string Reason { get; }
}
