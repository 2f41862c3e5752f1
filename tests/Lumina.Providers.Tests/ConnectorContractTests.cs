using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;

namespace Lumina.Providers.Tests;

/// <summary>
/// What every provider connector must do with a failing or silent server, whatever its wire format: each connector's
/// test class runs these against its own scripted server on loopback.
/// </summary>
public abstract class ConnectorContractTests<TServer> : IAsyncDisposable
    where TServer : ScriptedHttpServer, new()
{
    protected TServer Server { get; } = new();

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Server.DisposeAsync();
    }

    [Fact]
    public async Task RefusedConnection_IsReadAsAFailureWithoutStatus()
    {
        using var client = CreateConnector($"http://127.0.0.1:{LoopbackHttpServer.FreePort()}", timeout: null);

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        ConnectorErrors.TryRead(error, out var status, out var retryAfter, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        retryAfter.Should().BeNull();
        detail.Should().Contain("refused");
    }

    [Fact]
    public async Task StreamCutMidway_FailsAfterWhatArrived_AndIsReadAsAFailure()
    {
        Server.StreamText("one two three four", cutAfterWords: 2);
        using var client = CreateConnector(endpoint: null, timeout: null);

        var received = new List<string>();
        var error = await FailureOf(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("count"))
            {
                received.Add(update.Text);
            }
        });

        string.Concat(received).Should().Be("one two", "what arrived before the cut is the caller's");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        error.Should().BeOfType<HttpRequestException>();
        // How the reset reaches the client decides which: a clean close before the end event, or a broken read.
        detail.Should().Match(d => d.Contains("stream ended before the model finished", StringComparison.Ordinal) || d.StartsWith("connection broke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamClosedBeforeItsEnd_IsACut_NotAQuietHalfAnswer()
    {
        Server.StreamText("one two three four", cutAfterWords: 2, reset: false);
        using var client = CreateConnector(endpoint: null, timeout: null);

        var received = new List<string>();
        var error = await FailureOf(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("count"))
            {
                received.Add(update.Text);
            }
        });

        string.Concat(received).Should().Be("one two");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().Be("the stream ended before the model finished its answer");
    }

    [Fact]
    public async Task SlowProvider_TimesOutWithTheConfiguredTimeout()
    {
        Server.ReplyTextAfter(TimeSpan.FromMinutes(5), "too late");
        using var client = CreateConnector(endpoint: null, timeout: TimeSpan.FromMilliseconds(300));

        var error = await FailureOf(() => client.GetResponseAsync("hi"));

        error.Should().BeAssignableTo<OperationCanceledException>("a timeout is not the caller's cancellation, and the caller's token was never cancelled");
        ConnectorErrors.TryRead(error, out var status, out _, out var detail).Should().BeTrue(error.ToString());
        status.Should().BeNull();
        detail.Should().StartWith("timed out");
    }

    /// <summary>The connector under test, pointed at <paramref name="endpoint"/> (the scripted server when null).</summary>
    protected abstract IChatClient CreateConnector(string? endpoint, TimeSpan? timeout);

    protected static async Task<Exception> FailureOf(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException("The call was expected to fail, and it succeeded.");
    }
}
