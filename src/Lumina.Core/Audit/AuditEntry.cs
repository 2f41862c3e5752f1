using Lumina.Abstractions;

namespace Lumina.Core.Audit;

/// <summary>What the audit filter knows about one finished invocation; the ledger numbers and chains it.</summary>
/// <param name="Time">When the call started.</param>
/// <param name="CallerId">The caller's id.</param>
/// <param name="CallerRole">The caller's role.</param>
/// <param name="Transport">How the caller reached the kernel.</param>
/// <param name="Function">The function, <c>plugin_function</c>.</param>
/// <param name="ArgumentsDigest">SHA-256 (hex) of the canonical JSON of the arguments — never the arguments themselves.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ErrorKind">For a failure, the exception's type name (never its message, which may quote arguments); for a refusal, <c>Forbidden:</c> and what was refused (<c>tools/call</c>, <c>prompts/get</c>, <c>resources/read</c>, <c>resources/subscribe</c>, <c>completion/complete</c>, <c>invoke</c>).</param>
/// <param name="DurationMs">How long it ran, in milliseconds.</param>
/// <param name="Context">What the call was made for, when something said so (<see cref="LuminaAuditContext"/>): <c>workflow wr_…/step</c> for a workflow step's call; null otherwise.</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string CallerId,
    string CallerRole,
    LuminaTransport Transport,
    string Function,
    string ArgumentsDigest,
    AuditOutcome Outcome,
    string? ErrorKind,
    long DurationMs,
    string? Context = null);
