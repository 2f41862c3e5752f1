using Lumina.Abstractions;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>
/// Authorization as a kernel filter: every invocation — an MCP tool, an HTTP call, a .NET program calling the kernel,
/// a tool the model calls during <c>ask</c> — is checked against the caller's role before it runs.
/// </summary>
/// <remarks>
/// It runs outside the policy, audit and memory filters (it is registered before them), so a refused call costs
/// nothing and leaves nothing in memory. The caller comes from the call context; a .NET program that sets none is
/// <see cref="LuminaCaller.InProcess"/>.
/// </remarks>
internal sealed partial class AuthorizationFilter(ILuminaAuthorizer authorizer, ILuminaCallContextAccessor context, LuminaTelemetry telemetry, ILogger<AuthorizationFilter> logger)
    : IFunctionInvocationFilter
{
    private readonly ILogger _logger = logger;

    public Task OnFunctionInvocationAsync(FunctionInvocationContext invocation, Func<FunctionInvocationContext, Task> next)
    {
        var caller = context.Current.Caller;
        try
        {
            authorizer.Demand(caller, invocation.Function);
        }
        catch (LuminaForbiddenException)
        {
            LogDenied(caller.Id, caller.Role, invocation.Function.PluginName ?? string.Empty, invocation.Function.Name);
            telemetry.AuthorizationDenials.Add(1, new("lumina.function", FunctionNames.Dotted(invocation.Function)), new("lumina.caller.role", caller.Role));
            throw;
        }

        return next(invocation);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied {Caller} (role {Role}) calling {Plugin}.{Function}.")]
    private partial void LogDenied(string caller, string role, string plugin, string function);
}
