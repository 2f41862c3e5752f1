using Lumina.Core;
using Lumina.Core.Plugins;
using Lumina.Workflows.Engine;
using Lumina.Workflows.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Serves declarative workflows through the kernel.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Serves every workflow file (the shipped examples and <c>Lumina:Workflows:Directories</c>) as a tool
    /// <c>workflow_&lt;name&gt;</c>, runs them on the engine with checkpoints in the store, resumes interrupted runs,
    /// and adds the plugins <c>workflows</c> (runs and definitions as resources, list and cancel) and <c>planning</c>
    /// (<c>plan</c>, <c>plan_run</c>, <c>plan_save</c>).
    /// </summary>
    public static ILuminaBuilder AddWorkflows(this ILuminaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<WorkflowEngine>();
        builder.Services.TryAddSingleton<WorkflowCatalogService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkflowCatalogService>());
        builder.Services.AddSingleton<ILuminaPluginSource>(sp => sp.GetRequiredService<WorkflowCatalogService>());
        builder.Services.AddSingleton<ILuminaStartupLoad>(sp => sp.GetRequiredService<WorkflowCatalogService>());
        builder.Services.AddHostedService<WorkflowResumer>();
        builder.AddPlugin<WorkflowsPlugin>(source: "builtin");
        builder.AddPlugin<Lumina.Workflows.Planning.PlanningPlugin>(source: "builtin");
        return builder;
    }
}
