using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Providers.Budgets;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Lumina.Providers.Tests.Budgets;

/// <summary>Budgets enforced by the router, as configured.</summary>
public sealed class BudgetRoutingTests
{
    [Fact]
    public async Task ASpentBudget_RefusesTheNextCall_NamingTheBudget()
    {
        await using var server = new ScriptedOpenAiServer(200, "answer");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1000"), ("OutputPricePerMillion", "1000")),
            new() { ["Lumina:Budgets:daily:Limit"] = "0.03", ["Lumina:Budgets:daily:Period"] = "day" }]);
        var chat = services.GetRequiredService<IChatClient>();

        await chat.GetResponseAsync("one");
        await chat.GetResponseAsync("two");
        var third = () => chat.GetResponseAsync("three");

        (await third.Should().ThrowAsync<LuminaException>()).Which.Message.Should()
            .Contain("Budget 'daily' is spent for caller 'local'").And.Contain("0.028 of 0.03 this day").And.Contain("resets at");
        server.Requests.Should().Be(2);
        (await services.GetRequiredService<BudgetGuard>().StatusAsync("local", CancellationToken.None)).Single().Spent.Should().Be(0.028m);
    }

    [Fact]
    public async Task ABudgetForOtherCallers_DoesNotApply()
    {
        await using var server = new ScriptedOpenAiServer(200, "answer");
        using var services = ProviderHost.Build([
            ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1000")),
            new() { ["Lumina:Budgets:guests:Limit"] = "0.000001", ["Lumina:Budgets:guests:Callers:0"] = "anonymous" }]);

        for (var i = 0; i < 3; i++)
        {
            await services.GetRequiredService<IChatClient>().GetResponseAsync("hello");
        }

        server.Requests.Should().Be(3);
    }

    [Fact]
    public async Task AFailedCall_GivesItsReservationBack()
    {
        await using var server = new ScriptedOpenAiServer(500);
        using var services = ProviderHost.Build([
            ProviderHost.Provider("main", server.Endpoint, 1, ("InputPricePerMillion", "1000")),
            new() { ["Lumina:Budgets:daily:Limit"] = "1", ["Lumina:Routing:Retries:ServerError"] = "0" }]);

        var call = () => services.GetRequiredService<IChatClient>().GetResponseAsync("hello");
        await call.Should().ThrowAsync<LuminaException>();

        (await services.GetRequiredService<BudgetGuard>().StatusAsync("local", CancellationToken.None)).Single().Spent.Should().Be(0m);
    }

    [Fact]
    public void BadBudgetOrRoutingSettings_StopTheStart()
    {
        var build = () => ProviderHost.Build([new() { ["Lumina:Budgets:x:Limit"] = "-1", ["Lumina:Budgets:x:Period"] = "fortnight", ["Lumina:Routing:Strategy"] = "vibes" }]);

        build.Should().Throw<LuminaStartupException>().Which.Message.Should()
            .Contain("Lumina:Budgets:x:Limit").And.Contain("Lumina:Budgets:x:Period").And.Contain("Lumina:Routing:Strategy");
    }
}
