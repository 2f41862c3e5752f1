using Lumina.Core.Federation;

namespace Lumina.Testing.Contracts;

/// <summary>The same pin rules on each store: first sight wins, approvals replace, pins are per server.</summary>
public abstract class ToolPinStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 5, 10, 30, 15, 123, TimeSpan.Zero);

    protected IToolPinStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("alice")]
    public async Task APin_RoundTripsEveryField(string? by)
    {
        var pin = new ToolPin("everything", "get-sum", "ab12", """{"name":"get-sum","description":"Adds."}""", s_at, by);

        await Store.SetAsync(pin);

        (await Store.GetAsync("everything", "get-sum")).Should().Be(pin);
        (await Store.GetAsync("everything", "other")).Should().BeNull();
        (await Store.GetAsync("nothing", "get-sum")).Should().BeNull();
    }

    [Fact]
    public async Task PinIfAbsent_KeepsTheFirstPin_AndReturnsIt()
    {
        var first = Pin("weather", "first");

        var stored = await Store.PinIfAbsentAsync(first);
        var second = await Store.PinIfAbsentAsync(Pin("weather", "second"));

        stored.Should().Be(first);
        second.Should().Be(first, "first sight wins");
        (await Store.GetAsync("srv", "weather"))!.Hash.Should().Be("first");
    }

    [Fact]
    public async Task ConcurrentFirstSights_StoreExactlyOne_AndEveryoneGetsIt()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.PinIfAbsentAsync(Pin("racy", $"hash-{i}")))));

        var stored = await Store.GetAsync("srv", "racy");
        results.Select(r => r.Hash).Distinct().Should().ContainSingle().Which.Should().Be(stored!.Hash);
    }

    [Fact]
    public async Task Set_ReplacesAPin_AsAnApprovalDoes()
    {
        await Store.PinIfAbsentAsync(Pin("weather", "old"));

        await Store.SetAsync(Pin("weather", "new") with { PinnedBy = "admin" });

        var pin = await Store.GetAsync("srv", "weather");
        pin!.Hash.Should().Be("new");
        pin.PinnedBy.Should().Be("admin");
    }

    [Fact]
    public async Task Remove_ForgetsAPin_SoTheToolIsPinnedAfresh()
    {
        await Store.PinIfAbsentAsync(Pin("weather", "old"));

        (await Store.RemoveAsync("srv", "weather")).Should().BeTrue();
        (await Store.RemoveAsync("srv", "weather")).Should().BeFalse();
        (await Store.PinIfAbsentAsync(Pin("weather", "fresh"))).Hash.Should().Be("fresh");
    }

    [Fact]
    public async Task List_IsOneServersPins_OrderedByTool()
    {
        await Store.SetAsync(Pin("b-tool", "1"));
        await Store.SetAsync(Pin("A-tool", "2"));
        await Store.SetAsync(Pin("a.b/c d ü", "3"));
        await Store.SetAsync(new ToolPin("other-server", "x", "4", "{}", s_at, null));

        var pins = await Store.ListAsync("srv");

        pins.Select(p => p.Tool).Should().Equal(new[] { "A-tool", "a.b/c d ü", "b-tool" }.Order(StringComparer.Ordinal));
        (await Store.ListAsync("other-server")).Should().ContainSingle().Which.Tool.Should().Be("x");
        (await Store.ListAsync("nobody")).Should().BeEmpty();
    }

    private static ToolPin Pin(string tool, string hash) => new("srv", tool, hash, $$"""{"name":"{{tool}}"}""", s_at, null);
}
