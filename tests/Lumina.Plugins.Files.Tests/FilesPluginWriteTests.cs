using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>files_write and files_edit: creating, overwriting and editing within the caps, never through a link outside.</summary>
public sealed class FilesPluginWriteTests : FilesPluginTestBase
{
    // write

    [Fact]
    public async Task Write_NewFile_CreatesFoldersAndRefusesToOverwriteUnlessAsked()
    {
        var created = await Plugin.WriteAsync("new/dir/file.txt", "hello");
        var again = () => Plugin.WriteAsync("new/dir/file.txt", "bye");
        await again.Should().ThrowAsync<LuminaException>().WithMessage("*already exists*overwrite=true*");
        File.ReadAllText(_files.InRoot("new", "dir", "file.txt")).Should().Be("hello", "a refused write changes nothing");
        var overwritten = await Plugin.WriteAsync("new/dir/file.txt", "bye", overwrite: true);

        created.Should().Be(new FileChange("new/dir/file.txt", "created", 5, null));
        overwritten.Should().Be(new FileChange("new/dir/file.txt", "overwritten", 3, null));
        File.ReadAllText(_files.InRoot("new", "dir", "file.txt")).Should().Be("bye");
    }

    [Fact]
    public async Task Write_LargerThanTheCap_IsRefusedAndWritesNothing()
    {
        var write = () => Plugin.WriteAsync("big.txt", new string('x', 129));

        await write.Should().ThrowAsync<LuminaException>().WithMessage("*129 bytes*Lumina:Files:MaxWriteBytes*");
        File.Exists(_files.InRoot("big.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Write_ThroughASymlinkedFolderOutside_IsRefusedForNewAndNestedPaths()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var write = () => Plugin.WriteAsync("out/planted.txt", "x");
        var nested = () => Plugin.WriteAsync("out/new/dir/planted.txt", "x");

        await write.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*");
        await nested.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*");
        Directory.EnumerateFileSystemEntries(_files.Outside).Should().BeEmpty();
    }

    [Fact]
    public async Task Write_OverASymlinkToAFileOutside_IsRefusedAndLeavesItUntouched()
    {
        var target = _files.WriteOutside("keep.txt", "keep");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), target);

        var write = () => Plugin.WriteAsync("link.txt", "x", overwrite: true);

        await write.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*");
        File.ReadAllText(target).Should().Be("keep");
    }

    [Fact]
    public async Task Write_ParentIsAFile_IsAClearError()
    {
        _files.Write("a.txt", "x");

        var write = () => Plugin.WriteAsync("a.txt/b.txt", "x");

        await write.Should().ThrowAsync<LuminaException>().WithMessage("*'a.txt/b.txt'*not a folder*");
    }

    // edit

    [Fact]
    public async Task Edit_UniqueText_IsReplaced()
    {
        _files.Write("e.txt", "one two three");

        var change = await Plugin.EditAsync("e.txt", "two", "2");

        change.Should().Be(new FileChange("e.txt", "edited", 11, 1));
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("one 2 three");
    }

    [Fact]
    public async Task Edit_AmbiguousOrMissingText_IsRefusedUnlessReplaceAll()
    {
        _files.Write("e.txt", "x x x");

        var ambiguous = () => Plugin.EditAsync("e.txt", "x", "y");
        var missing = () => Plugin.EditAsync("e.txt", "zzz", "y");

        await ambiguous.Should().ThrowAsync<LuminaException>().WithMessage("*3 times*replaceAll=true*");
        await missing.Should().ThrowAsync<LuminaException>().WithMessage("*not found*");
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("x x x", "a refused edit changes nothing");
        var all = await Plugin.EditAsync("e.txt", "x", "y", replaceAll: true);
        all.Replacements.Should().Be(3);
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("y y y");
    }

    [Fact]
    public async Task Edit_QuotedWithUnixLineEndingsInAWindowsFile_MatchesAndKeepsWindowsEndings()
    {
        _files.Write("w.txt", "a\r\nb\r\nc\r\n");

        await Plugin.EditAsync("w.txt", "a\nb\n", "A\nB\n");

        File.ReadAllText(_files.InRoot("w.txt")).Should().Be("A\r\nB\r\nc\r\n");
    }

    [Fact]
    public async Task Edit_ResultOverTheCap_IsRefusedAndChangesNothing()
    {
        _files.Write("e.txt", "x");

        var edit = () => Plugin.EditAsync("e.txt", "x", new string('y', 200));

        await edit.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Files:MaxWriteBytes*");
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("x");
    }

    [Fact]
    public async Task Edit_EmptyOldTextOrBinaryFile_IsRefused()
    {
        _files.Write("e.txt", "x");
        File.WriteAllBytes(_files.InRoot("b.bin"), [1, 0, 2]);

        await ((Func<Task>)(() => Plugin.EditAsync("e.txt", string.Empty, "y"))).Should().ThrowAsync<LuminaException>().WithMessage("*must not be empty*");
        await ((Func<Task>)(() => Plugin.EditAsync("b.bin", "x", "y"))).Should().ThrowAsync<LuminaException>().WithMessage("*binary*");
    }

    [Fact]
    public async Task Edit_ThroughASymlinkToAFileOutside_IsRefused()
    {
        var target = _files.WriteOutside("keep.txt", "keep");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), target);

        var edit = () => Plugin.EditAsync("link.txt", "keep", "lost");

        await edit.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*");
        File.ReadAllText(target).Should().Be("keep");
    }
}
