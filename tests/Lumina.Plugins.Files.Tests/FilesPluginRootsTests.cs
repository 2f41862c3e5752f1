using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>Client roots beside or instead of configured roots, and every function without any root.</summary>
public sealed class FilesPluginRootsTests : FilesPluginTestBase
{
    [Fact]
    public async Task ClientRoots_WithoutConfiguredRoots_AreWhereTheCallMayGo()
    {
        var plugin = _files.PluginWithoutConfiguredRoots();
        _files.WriteOutside("client.txt", "from the client's workspace");

        using (_files.Accessor.Push(new TestCallContext(_files.Outside)))
        {
            (await plugin.ReadAsync("client.txt")).Content.Should().Be("from the client's workspace");
            var escape = () => plugin.ReadAsync(_files.InRoot("x.txt"));
            await escape.Should().ThrowAsync<LuminaException>().WithMessage("*outside the allowed roots*");
        }
    }

    [Fact]
    public async Task ClientRoots_BesideConfiguredRoots_AreReachableByAbsolutePathAndShownAbsolute()
    {
        var clientFile = _files.WriteOutside("client.txt", "c");

        using (_files.Accessor.Push(new TestCallContext(_files.Outside)))
        {
            var read = await Plugin.ReadAsync(clientFile);

            read.Path.Should().Be(Path.Combine(AllowedRoots.RealPath(_files.Outside), "client.txt"));
        }
    }

    public static TheoryData<string> AllFunctions => ["list", "read", "search", "write", "edit", "move", "delete"];

    [Theory]
    [MemberData(nameof(AllFunctions))]
    public async Task NoRoots_EveryFunction_FailsSayingHowToConfigureRoots(string function)
    {
        var plugin = _files.PluginWithoutConfiguredRoots();
        Func<Task> call = function switch
        {
            "list" => () => plugin.ListAsync(),
            "read" => () => plugin.ReadAsync("a.txt"),
            "search" => () => plugin.SearchAsync(),
            "write" => () => plugin.WriteAsync("a.txt", "x"),
            "edit" => () => plugin.EditAsync("a.txt", "x", "y"),
            "move" => () => plugin.MoveAsync("a.txt", "b.txt"),
            _ => () => plugin.DeleteAsync("a.txt"),
        };

        await call.Should().ThrowAsync<LuminaException>().WithMessage("No folders are open to the files plugin. Configure Lumina:Files:Roots*client*roots*");
    }
}
