using Microsoft.Extensions.Options;

namespace Lumina.Mcp;

/// <summary>Stops the host at start when a <c>Lumina:Mcp</c> limit makes no sense, naming the setting.</summary>
internal sealed class LuminaMcpOptionsValidator(Lumina.Core.ToolSets.LuminaToolSets? toolSets = null) : IValidateOptions<LuminaMcpOptions>
{
    public ValidateOptionsResult Validate(string? name, LuminaMcpOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.ToolSet) && toolSets?.Exists(options.ToolSet) != true)
        {
            errors.Add($"Lumina:Mcp:ToolSet (--toolset) names '{options.ToolSet}', which is not a tool set of Lumina:ToolSets.");
        }

        if (options.MaxSubscriptionsPerSession < 1)
        {
            errors.Add($"Lumina:Mcp:MaxSubscriptionsPerSession must be at least 1 (it is {options.MaxSubscriptionsPerSession}).");
        }

        if (options.MaxSubscriptions < options.MaxSubscriptionsPerSession)
        {
            errors.Add($"Lumina:Mcp:MaxSubscriptions ({options.MaxSubscriptions}) must be at least Lumina:Mcp:MaxSubscriptionsPerSession ({options.MaxSubscriptionsPerSession}).");
        }

        if (options.MaxResourceUriLength is < 16 or > 1_048_576)
        {
            errors.Add($"Lumina:Mcp:MaxResourceUriLength must be between 16 and 1048576 characters (it is {options.MaxResourceUriLength}).");
        }

        if (options.InputTimeout < TimeSpan.FromSeconds(10) || options.InputTimeout > TimeSpan.FromDays(7))
        {
            errors.Add($"Lumina:Mcp:InputTimeout must be between 00:00:10 and 7.00:00:00 (it is {options.InputTimeout}).");
        }

        if (options.TaskTtl < TimeSpan.FromMinutes(1) || options.TaskTtl > TimeSpan.FromDays(30))
        {
            errors.Add($"Lumina:Mcp:TaskTtl must be between 00:01:00 and 30.00:00:00 (it is {options.TaskTtl}).");
        }

        if (options.TaskPollInterval < TimeSpan.FromMilliseconds(50) || options.TaskPollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Lumina:Mcp:TaskPollInterval must be between 00:00:00.05 and 00:01:00 (it is {options.TaskPollInterval}).");
        }

        if (options.MaxTasksPerCaller is < 1 or > 100_000)
        {
            errors.Add($"Lumina:Mcp:MaxTasksPerCaller must be between 1 and 100000 (it is {options.MaxTasksPerCaller}).");
        }

        if (options.RequestStateKey is { } key && System.Text.Encoding.UTF8.GetByteCount(key) < 32)
        {
            errors.Add("Lumina:Mcp:RequestStateKey must be at least 32 bytes (for example the output of 'openssl rand -base64 48').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
