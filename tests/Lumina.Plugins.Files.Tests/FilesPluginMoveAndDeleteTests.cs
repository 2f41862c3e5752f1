using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>files_move and files_delete: renames, overwrites, folders, links moved or removed rather than their targets, the root kept.</summary>
public sealed class FilesPluginMoveAndDeleteTests : FilesPluginTestBase
{
    // move

    [Fact]
    public async Task Move_RenamesCreatingFolders()
    {
        _files.Write("a.txt", "a");

        var change = await Plugin.MoveAsync("a.txt", "moved/c.txt");

        change.Should().Be(new FileChange("moved/c.txt", "moved", 1, null));
        File.Exists(_files.InRoot("a.txt")).Should().BeFalse();
        File.ReadAllText(_files.InRoot("moved", "c.txt")).Should().Be("a");
    }

    [Fact]
    public async Task Move_OntoAnExistingFile_NeedsOverwrite()
    {
        _files.Write("a.txt", "a");
        _files.Write("b.txt", "b");

        var clash = () => Plugin.MoveAsync("a.txt", "b.txt");
        await clash.Should().ThrowAsync<LuminaException>().WithMessage("*already exists*overwrite=true*");
        File.ReadAllText(_files.InRoot("b.txt")).Should().Be("b");
        await Plugin.MoveAsync("a.txt", "b.txt", overwrite: true);

        File.Exists(_files.InRoot("a.txt")).Should().BeFalse();
        File.ReadAllText(_files.InRoot("b.txt")).Should().Be("a");
    }

    [Fact]
    public async Task Move_Folder_MovesItsContents()
    {
        _files.Write("d/x.txt", "x");

        await Plugin.MoveAsync("d", "e/d2");

        File.ReadAllText(_files.InRoot("e", "d2", "x.txt")).Should().Be("x");
        Directory.Exists(_files.InRoot("d")).Should().BeFalse();
    }

    [Fact]
    public async Task Move_OntoAnExistingFolder_AsksForTheFullPath()
    {
        _files.Write("a.txt", "a");
        Directory.CreateDirectory(_files.InRoot("dir"));

        var move = () => Plugin.MoveAsync("a.txt", "dir", overwrite: true);

        await move.Should().ThrowAsync<LuminaException>().WithMessage("*existing folder*dir/a.txt*");
    }

    [Fact]
    public async Task Move_Symlink_MovesTheLinkNotItsTarget()
    {
        var target = _files.Write("real.txt", "r");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), target);

        await Plugin.MoveAsync("link.txt", "renamed.txt");

        new FileInfo(_files.InRoot("renamed.txt")).LinkTarget.Should().Be(target);
        File.ReadAllText(target).Should().Be("r");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Move_OutOfTheRoot_IsRefused(bool throughLink)
    {
        _files.Write("a.txt", "a");
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var move = () => Plugin.MoveAsync("a.txt", throughLink ? "out/a.txt" : _files.InOutside("a.txt"));

        await move.Should().ThrowAsync<LuminaException>().WithMessage("*outside*");
        File.Exists(_files.InRoot("a.txt")).Should().BeTrue();
        File.Exists(_files.InOutside("a.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Move_FromOutside_IsRefused()
    {
        _files.WriteOutside("x.txt", "x");

        var move = () => Plugin.MoveAsync(_files.InOutside("x.txt"), "x.txt");

        await move.Should().ThrowAsync<LuminaException>().WithMessage("*outside*");
        File.Exists(_files.InOutside("x.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Move_TheRoot_IsRefused()
    {
        var move = () => Plugin.MoveAsync(".", "elsewhere");

        await move.Should().ThrowAsync<LuminaException>().WithMessage("*root*");
    }

    // delete

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("sub/..")]
    [InlineData("..")]
    public async Task Delete_TheRootOrAbove_IsRefusedAndDeletesNothing(string path)
    {
        _files.Write("sub/keep.txt", "keep");

        var delete = () => Plugin.DeleteAsync(path, recursive: true);

        await delete.Should().ThrowAsync<LuminaException>();
        File.ReadAllText(_files.InRoot("sub", "keep.txt")).Should().Be("keep");
    }

    [Fact]
    public async Task Delete_FileEmptyFolderAndFullFolderWithRecursive()
    {
        _files.Write("d/x.txt", "x");
        _files.Write("f.txt", "x");
        Directory.CreateDirectory(_files.InRoot("empty"));

        (await Plugin.DeleteAsync("f.txt")).Should().Be(new FileChange("f.txt", "deleted", null, null));
        await Plugin.DeleteAsync("empty");
        var notEmpty = () => Plugin.DeleteAsync("d");
        await notEmpty.Should().ThrowAsync<LuminaException>().WithMessage("*not empty*recursive=true*");
        Directory.Exists(_files.InRoot("d")).Should().BeTrue();
        await Plugin.DeleteAsync("d", recursive: true);
        var missing = () => Plugin.DeleteAsync("f.txt");

        File.Exists(_files.InRoot("f.txt")).Should().BeFalse();
        Directory.Exists(_files.InRoot("empty")).Should().BeFalse();
        Directory.Exists(_files.InRoot("d")).Should().BeFalse();
        await missing.Should().ThrowAsync<LuminaException>().WithMessage("*does not exist*");
    }

    [Fact]
    public async Task Delete_SymlinkToOutside_RemovesTheLinkNotTheTarget()
    {
        var target = _files.WriteOutside("keep.txt", "keep");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), target);
        Directory.CreateSymbolicLink(_files.InRoot("dirlink"), _files.Outside);

        await Plugin.DeleteAsync("link.txt");
        await Plugin.DeleteAsync("dirlink", recursive: true);

        File.Exists(_files.InRoot("link.txt")).Should().BeFalse();
        Directory.Exists(_files.InRoot("dirlink")).Should().BeFalse();
        File.ReadAllText(target).Should().Be("keep");
    }

    [Fact]
    public async Task Delete_FolderHoldingALinkOutside_KeepsTheTarget()
    {
        var target = _files.WriteOutside("keep.txt", "keep");
        Directory.CreateDirectory(_files.InRoot("d"));
        Directory.CreateSymbolicLink(_files.InRoot("d", "out"), _files.Outside);

        await Plugin.DeleteAsync("d", recursive: true);

        Directory.Exists(_files.InRoot("d")).Should().BeFalse();
        File.ReadAllText(target).Should().Be("keep");
    }

    [Fact]
    public async Task Delete_UnderASymlinkedFolderOutside_IsRefused()
    {
        var target = _files.WriteOutside("keep.txt", "keep");
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var delete = () => Plugin.DeleteAsync("out/keep.txt");

        await delete.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*");
        File.ReadAllText(target).Should().Be("keep");
    }
}
