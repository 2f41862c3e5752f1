using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>files_list: folders first, recursion and globs, depth and entry caps, symbolic links.</summary>
public sealed class FilesPluginListTests : FilesPluginTestBase
{
    [Fact]
    public async Task List_Folder_ShowsFoldersFirstThenFilesWithSizes()
    {
        _files.Write("b.txt", "bb");
        _files.Write("a/inner.txt", "i");

        var listing = await Plugin.ListAsync();

        listing.Path.Should().Be(".");
        listing.Entries.Select(e => (e.Path, e.Type)).Should().Equal(("a", "directory"), ("b.txt", "file"));
        listing.Entries[1].Size.Should().Be(2);
        listing.Entries[1].Modified.Should().NotBeNull();
        listing.Truncated.Should().BeFalse();
    }

    [Fact]
    public async Task List_RecursiveWithGlob_FiltersAndDoesNotFollowSymlinks()
    {
        _files.Write("src/a.cs", "x");
        _files.Write("src/deep/b.cs", "x");
        _files.Write("src/c.txt", "x");
        _files.WriteOutside("z.cs", "x");
        Directory.CreateSymbolicLink(_files.InRoot("src", "link"), _files.Outside);

        var listing = await Plugin.ListAsync("src", "*.cs", recursive: true);

        listing.Entries.Select(e => e.Path).Should().BeEquivalentTo(["src/a.cs", "src/deep/b.cs"]);
    }

    [Fact]
    public async Task List_SymlinkEntry_IsShownAsALinkWithoutDetailsOfItsTarget()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var entry = (await Plugin.ListAsync()).Entries.Should().ContainSingle().Subject;

        entry.Should().Be(new FileEntry("out", "symlink", null, null));
    }

    [Fact]
    public async Task List_DepthCap_StopsDescending()
    {
        _files.Write("1/2/3/deep.txt", "x");

        var listing = await Plugin.ListAsync(recursive: true, maxDepth: 2);

        listing.Entries.Select(e => e.Path).Should().Equal("1", "1/2");
    }

    [Fact]
    public async Task List_MoreEntriesThanTheCap_IsTruncated()
    {
        for (var i = 0; i < 6; i++)
        {
            _files.Write($"f{i}.txt", "x");
        }

        var listing = await Plugin.ListAsync();

        listing.Entries.Should().HaveCount(4);
        listing.Truncated.Should().BeTrue();
    }

    [Fact]
    public async Task List_SymlinkedFolderOutside_IsRefused()
    {
        _files.WriteOutside("secret.txt", "x");
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var list = () => Plugin.ListAsync("out");

        await list.Should().ThrowAsync<LuminaException>().WithMessage("*symbolic link*outside the allowed roots*");
    }

    [Fact]
    public async Task List_AFile_SaysToReadIt()
    {
        _files.Write("a.txt", "x");

        var list = () => Plugin.ListAsync("a.txt");

        await list.Should().ThrowAsync<LuminaException>().WithMessage("*is a file*files_read*");
    }
}
