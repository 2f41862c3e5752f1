using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumina.Providers.Budgets;

/// <summary>Adds <see cref="BudgetChatClient"/> to a chat client pipeline.</summary>
public static class BudgetChatClientBuilderExtensions
{
    /// <summary>
    /// Holds every routed call to the caller's budgets; the pipeline must end in a <see cref="ProviderRouter"/>. Whatever
    /// is not given comes from the pipeline's services (<see cref="BudgetGuard"/> and
    /// <see cref="ILuminaCallContextAccessor"/> required, a logger when there).
    /// </summary>
    public static ChatClientBuilder UseBudgets(this ChatClientBuilder builder, BudgetGuard? budgets = null, ILuminaCallContextAccessor? context = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new BudgetChatClient(
            inner,
            budgets ?? services.GetRequiredService<BudgetGuard>(),
            context ?? services.GetRequiredService<ILuminaCallContextAccessor>(),
            services.GetService<ILogger<BudgetChatClient>>() ?? NullLogger<BudgetChatClient>.Instance));
    }
}
