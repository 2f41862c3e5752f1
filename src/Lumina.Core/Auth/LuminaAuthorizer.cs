using Lumina.Abstractions;
using Lumina.Core.Audit;
using Lumina.Core.Plugins;
using Lumina.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Auth;

/// <summary>
/// Role-based authorization: admin has every permission, user read/write/execute, guest read, any other role none.
/// Every refusal is recorded in the audit ledger (when <c>AddLumina</c> added it), logged and counted here, whoever asked.
/// </summary>
internal sealed partial class LuminaAuthorizer(
    IOptionsMonitor<LuminaAuthOptions> options,
    LuminaTelemetry telemetry,
    ILogger<LuminaAuthorizer> logger,
    AuditRecorder? recorder = null,
    Lumina.Core.ToolSets.LuminaToolSets? toolSets = null) : ILuminaAuthorizer
{
    private readonly ILogger _logger = logger;

    public LuminaPermission RequiredPermission(KernelFunction kernelFunction)
    {
        ArgumentNullException.ThrowIfNull(kernelFunction);
        // The validator rejected unparsable values at start.
        if (FunctionOverrides.TryGet(options.CurrentValue.Permissions, kernelFunction, out var text) && LuminaRoles.TryParsePermission(text, out var configured))
        {
            return configured;
        }

        return FunctionPermissions.Declared(kernelFunction);
    }

    public bool IsAllowed(LuminaCaller caller, KernelFunction kernelFunction)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return LuminaRoles.Grants(caller.Role, RequiredPermission(kernelFunction)) && InToolSet(caller, kernelFunction)
            && LuminaDescribed.Of(kernelFunction)?.IsVisibleTo(caller) != false;
    }

    public ValueTask DemandAsync(LuminaCaller caller, KernelFunction kernelFunction, LuminaAccess access, KernelArguments? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var needed = RequiredPermission(kernelFunction);
        if (!LuminaRoles.Grants(caller.Role, needed))
        {
            return RefuseAsync(caller, kernelFunction, $"Forbidden: {FunctionNames.Served(kernelFunction)} needs the '{LuminaRoles.Name(needed)}' permission; {caller.Name} has the role '{caller.Role}'.", access, arguments);
        }

        return InToolSet(caller, kernelFunction)
            ? ValueTask.CompletedTask
            : RefuseAsync(caller, kernelFunction, $"Forbidden: {FunctionNames.Served(kernelFunction)} is not in the tool set '{caller.ToolSet}' that {caller.Name} uses.", access, arguments);
    }

    /// <summary>
    /// Whether the function is in the caller's tool set (always, for a caller without one). Search mode's meta-tools
    /// are in every set: what they find and call is the set's, through this same rule.
    /// </summary>
    private bool InToolSet(LuminaCaller caller, KernelFunction kernelFunction) =>
        caller.ToolSet is null
        || kernelFunction.PluginName == Lumina.Core.Catalog.ToolCatalogPlugin.PluginName
        || (toolSets ?? Lumina.Core.ToolSets.LuminaToolSets.None).Contains(caller.ToolSet, FunctionNames.Served(kernelFunction));

    private async ValueTask RefuseAsync(LuminaCaller caller, KernelFunction kernelFunction, string message, LuminaAccess access, KernelArguments? arguments)
    {
        var refusal = new LuminaForbiddenException(message);
        var kind = LuminaAccessNames.Name(access);
        LogDenied(caller.Id, caller.Role, kind, FunctionNames.Served(kernelFunction));
        telemetry.AuthorizationDenials.Add(1, new("lumina.function", FunctionNames.Served(kernelFunction)), new("lumina.caller.role", caller.Role), new("lumina.access", kind));
        if (recorder is not null)
        {
            // Recorded before the refusal is thrown; failing closed, a refusal that cannot be recorded fails as such.
            await recorder.RecordRefusalAsync(caller, kernelFunction, LuminaAccessNames.DeniedKind(access), arguments, refusal).ConfigureAwait(false);
        }

        throw refusal;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied {Caller} (role {Role}) {Access} of {Function}.")]
    private partial void LogDenied(string caller, string role, string access, string function);
}
