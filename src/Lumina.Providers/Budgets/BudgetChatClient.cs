using System.Runtime.CompilerServices;
using Lumina.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Lumina.Providers.Budgets;

/// <summary>
/// Holds every routed call to the caller's budgets: reserves the estimated cost of the input before the call (at the
/// prices of the provider the <see cref="ProviderRouter"/> below would try first), refusing with the name of the budget
/// that is spent, and settles the reservation to the <see cref="ProviderCall"/>'s real cost afterwards (0 when the call
/// failed).
/// </summary>
public sealed partial class BudgetChatClient : DelegatingChatClient
{
    private readonly BudgetGuard _budgets;
    private readonly ILuminaCallContextAccessor _context;
    private readonly ProviderRouter _router;
    private readonly ILogger _logger;

    /// <exception cref="ArgumentException"><paramref name="innerClient"/> has no <see cref="ProviderRouter"/> at its end.</exception>
    public BudgetChatClient(IChatClient innerClient, BudgetGuard budgets, ILuminaCallContextAccessor context, ILogger<BudgetChatClient> logger)
        : base(innerClient)
    {
        _budgets = budgets;
        _context = context;
        _logger = logger;
        _router = innerClient.GetService<ProviderRouter>()
            ?? throw new ArgumentException("Budgets are estimated from the provider the router picks: UseBudgets needs a ProviderRouter below it.", nameof(innerClient));
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var reservation = await ReserveAsync(history, options, cancellationToken).ConfigureAwait(false);
        var cost = 0m;
        try
        {
            var response = await base.GetResponseAsync(history, options, cancellationToken).ConfigureAwait(false);
            cost = ProviderCall.From(response)?.Cost ?? 0m;
            return response;
        }
        finally
        {
            await SettleAsync(reservation, cost).ConfigureAwait(false);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var reservation = await ReserveAsync(history, options, cancellationToken).ConfigureAwait(false);
        var cost = 0m;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(history, options, cancellationToken).ConfigureAwait(false))
            {
                if (update.AdditionalProperties?.TryGetValue(ProviderCall.PropertyName, out var value) == true && value is ProviderCall call)
                {
                    cost = call.Cost;
                }

                yield return update;
            }
        }
        finally
        {
            await SettleAsync(reservation, cost).ConfigureAwait(false);
        }
    }

    private async Task<BudgetReservation> ReserveAsync(IList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken) =>
        _budgets.Budgets.Count == 0
            ? BudgetReservation.None
            : await _budgets.ReserveAsync(_context.Current.Caller.Id, _router.EstimateCost(history, options), cancellationToken).ConfigureAwait(false);

    private async Task SettleAsync(BudgetReservation reservation, decimal cost)
    {
        if (reservation.Keys.Count == 0)
        {
            return;
        }

        try
        {
            // Settled even when the caller has gone: the money was spent either way.
            await _budgets.SettleAsync(reservation, cost, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LuminaException ex)
        {
            LogSettleFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A budget could not be settled: {Reason}")]
    private partial void LogSettleFailed(string reason);
}
