namespace Lumina.Host.Tests;

/// <summary>
/// One initialized stdio host (see <see cref="RawStdio"/>) for a class's tests that each send a line and read what it
/// gets back, so they need not start a host apiece. Each test takes the session through <see cref="SessionAsync"/>,
/// which first reads past whatever an earlier test left unread, and starts the host again should an earlier test have
/// left it dead (so one failure does not fail the rest).
/// </summary>
public sealed class SharedRawStdio : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private RawStdio? _raw;
    private int _sync;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }

        _data.Dispose();
    }

    /// <summary>The shared session, in step: the next line on stdout answers what the test sends next.</summary>
    internal async Task<RawStdio> SessionAsync()
    {
        if (_raw is { Process.HasExited: true })
        {
            await _raw.DisposeAsync();
            _raw = null;
        }

        _raw ??= await RawStdio.StartAsync(_data.Path);
        var id = $"sync-{++_sync}";
        await _raw.SendAsync($$"""{"jsonrpc":"2.0","id":"{{id}}","method":"ping"}""");
        await _raw.ReadResponseAsync(id);
        return _raw;
    }
}
