using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>
/// Authorization as a kernel filter: every invocation — an MCP tool, an HTTP call, a .NET program calling the kernel,
/// a tool the model calls during <c>ask</c> — is checked against the caller's role before it runs.
/// </summary>
/// <remarks>
/// It runs outside the policy and memory filters (it is registered before them), so a refused call costs nothing and
/// leaves nothing in memory. The caller comes from the call context; a .NET program that sets none is
/// <see cref="LuminaCaller.InProcess"/>. The authorizer records, logs and counts the refusal (as
/// <see cref="LuminaAccess.Invoke"/>, with the digest of the arguments); the audit filter around this one does not
/// record it again.
/// </remarks>
internal sealed class AuthorizationFilter(ILuminaAuthorizer authorizer, ILuminaCallContextAccessor context) : IFunctionInvocationFilter
{
    public Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var demand = authorizer.DemandAsync(context.Current.Caller, invocation.Function, LuminaAccess.Invoke, invocation.Arguments, invocation.CancellationToken);

        // An allowed call (the common case) completes at once: no state machine on the call path.
        return demand.IsCompletedSuccessfully ? next(invocation) : AfterDemandAsync(demand, invocation, next);
    }

    private static async Task AfterDemandAsync(ValueTask demand, FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        await demand.ConfigureAwait(false);
        await next(invocation).ConfigureAwait(false);
    }
}
