using System.ComponentModel;
using Lumina.Abstractions;
using Lumina.Core.Plugins;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Policy;

/// <summary>Serves results the policy guard kept because they were too large to return (<c>Lumina:Policy:OversizeResults=resource</c>).</summary>
[LuminaPlugin("policy", Description = "Results too large to return at once, kept for a few minutes for the caller who asked.")]
public sealed class PolicyPlugin(PolicyResultStore results, ILuminaCallContextAccessor context)
{
    [KernelFunction("result"), Description("A result that was too large to return with its call, kept for a few minutes; only the caller who made the call can read it.")]
    [LuminaResource(PolicyResultStore.UriTemplate, Name = "policy_result", Title = "Kept result", MimeType = "text/plain")]
    public string Result([Description("The result's identifier, from its link.")] string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        // Someone else's result and an expired one look the same: no caller learns what others kept.
        return results.Find(context.Current.Caller.Id, id)
            ?? throw new LuminaException($"No kept result '{id}' for this caller: results are kept for a few minutes (Lumina:Policy:ResultRetention) and only for the caller who made the call.");
    }
}
