using System.Diagnostics;
using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>
/// Issue 13, item 2: a hostile local process swaps a folder inside the root with a symbolic link to the outside
/// (<c>renameat2(RENAME_EXCHANGE)</c> in a loop) while the plugin reads and writes through it; and special files
/// (a FIFO) inside the root. Linux only: elsewhere the plugin goes by path and does not claim to resist the race.
/// </summary>
public sealed class SwapRaceTests : IDisposable
{
    private const uint RenameExchange = 2;
    private const int Rounds = 400;
    private readonly FilesFixture _files = new();

    public void Dispose() => _files.Dispose();

    private FilesPlugin Plugin => _files.Plugin;

    [Fact]
    public async Task ReadAndWrite_WhileAFolderIsSwappedWithALinkOutside_NeverReachOutside()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _files.Write("d/secret.txt", "inside");
        _files.WriteOutside("secret.txt", "OUTSIDE");
        Directory.CreateSymbolicLink(_files.InRoot("link"), _files.Outside);
        using var swapper = new Swapper(_files.Root, "d", "link");

        var contents = new List<string>();
        for (var i = 0; i < Rounds; i++)
        {
            contents.Add(await Attempt(() => Plugin.ReadAsync("d/secret.txt"), r => r.Content));
            await Attempt(() => Plugin.WriteAsync($"d/new-{i}.txt", "planted"), r => r.Path);
            contents.Add(await Attempt(() => Plugin.SearchAsync("**/*.txt", "OUTSIDE"), r => string.Join(",", r.Matches.Select(m => m.Path))));
        }

        swapper.Stop().Should().BeGreaterThan(0, "the race only means something if the folder was really swapped");
        contents.Should().NotContain(c => c.Contains("OUTSIDE", StringComparison.Ordinal) || c.Contains("secret.txt", StringComparison.Ordinal));
        contents.Should().Contain("inside", "the reads that met the folder in place still work");
        Directory.GetFiles(_files.Outside).Select(Path.GetFileName).Should().Equal("secret.txt");
    }

    [Fact]
    public async Task MoveAndDelete_WhileAFolderIsSwappedWithALinkOutside_NeverTouchOutside()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _files.WriteOutside("keep.txt", "keep");
        Directory.CreateDirectory(_files.InRoot("d"));
        Directory.CreateSymbolicLink(_files.InRoot("link"), _files.Outside);
        using var swapper = new Swapper(_files.Root, "d", "link");

        for (var i = 0; i < Rounds; i++)
        {
            await Attempt(() => Plugin.DeleteAsync("d/keep.txt"), r => r.Path);
            _files.Write($"m-{i}.txt", "moved");
            await Attempt(() => Plugin.MoveAsync($"m-{i}.txt", $"d/m-{i}.txt"), r => r.Path);
        }

        swapper.Stop().Should().BeGreaterThan(0);
        Directory.GetFiles(_files.Outside).Select(Path.GetFileName).Should().Equal("keep.txt");
    }

    [Fact]
    public async Task Read_Fifo_IsRefusedAtOnceInsteadOfHanging()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        MakeFifo(_files.InRoot("pipe"));

        var read = () => Bounded(() => Plugin.ReadAsync("pipe"));

        await read.Should().ThrowAsync<LuminaException>().WithMessage("'pipe' is not a regular file (it is a fifo)*");
    }

    [Fact]
    public async Task Search_FolderWithAFifo_SkipsItAndFindsTheRest()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        MakeFifo(_files.InRoot("pipe.txt"));
        _files.Write("notes.txt", "a needle here");

        var result = await Bounded(() => Plugin.SearchAsync("**/*.txt", "needle"));
        var single = await Bounded(() => Plugin.SearchAsync(query: "needle", path: "pipe.txt"));

        result.Matches.Select(m => m.Path).Should().Equal("notes.txt");
        result.SkippedFiles.Should().Be(0, "a FIFO is not a file to search: it is not even listed as one");
        single.Matches.Should().BeEmpty();
        single.SkippedFiles.Should().Be(1);
    }

    [Fact]
    public async Task ListAndWrite_Fifo_IsListedWithItsKindAndNeverReplaced()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        MakeFifo(_files.InRoot("pipe"));

        var listing = await Plugin.ListAsync();
        var write = () => Bounded(() => Plugin.WriteAsync("pipe", "x", overwrite: true));

        listing.Entries.Should().ContainSingle(e => e.Path == "pipe").Which.Type.Should().Be("fifo");
        await write.Should().ThrowAsync<LuminaException>().WithMessage("*not a regular file*");
    }

    /// <summary>
    /// Runs a call that would block forever opening a FIFO by name on another thread: the bound turns such a hang into
    /// a failure instead of a stuck test run; it measures nothing.
    /// </summary>
    private static Task<T> Bounded<T>(Func<Task<T>> call) => Task.Run(call).WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>The call's result, or its error message: a refusal is an acceptable outcome of a raced call.</summary>
    private static async Task<string> Attempt<T>(Func<Task<T>> call, Func<T, string> describe)
    {
        try
        {
            return describe(await call());
        }
        catch (LuminaException ex)
        {
            return ex.Message.Contains("OUTSIDE", StringComparison.Ordinal) ? ex.Message : "refused";
        }
    }

    private static void MakeFifo(string path)
    {
        using var process = Process.Start("mkfifo", [path]);
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
    }

    /// <summary>Exchanges two names in a folder (renameat2 RENAME_EXCHANGE) on a background thread until stopped.</summary>
    private sealed class Swapper : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private int _swaps;

        public Swapper(string folder, string first, string second)
        {
            var handle = Native.Open(folder, Native.ReadOnly | Native.Directory);
            handle.IsInvalid.Should().BeFalse();
            _thread = new Thread(() =>
            {
                using (handle)
                {
                    while (!_stop)
                    {
                        if (Native.RenameAt(handle, first, handle, second, RenameExchange) == 0)
                        {
                            _swaps++;
                        }
                    }
                }
            })
            { IsBackground = true };
            _thread.Start();
        }

        /// <summary>Stops swapping; how many swaps were made.</summary>
        public int Stop()
        {
            _stop = true;
            _thread.Join();
            return _swaps;
        }

        public void Dispose() => Stop();
    }
}
