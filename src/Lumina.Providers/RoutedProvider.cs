using Microsoft.Extensions.AI;

namespace Lumina.Providers;

/// <summary>A provider the router can send a request to.</summary>
/// <param name="Name">The provider's name (its configuration key).</param>
/// <param name="Client">Its chat client.</param>
/// <param name="Options">Its settings: capabilities, prices, priority, weight, timeout.</param>
/// <param name="Health">Its circuit, cooldown and latency.</param>
public sealed record RoutedProvider(string Name, IChatClient Client, ProviderOptions Options, ProviderHealth Health);
