using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Files.Tests;

public sealed class FilesPluginTests : IDisposable
{
    private readonly FilesFixture _files = new(o =>
    {
        o.MaxReadBytes = 64;
        o.MaxWriteBytes = 128;
        o.MaxSearchResults = 3;
        o.MaxListEntries = 4;
    });

    public void Dispose() => _files.Dispose();

    private FilesPlugin Plugin => _files.Plugin;

    [Fact]
    public async Task List_Folder_ShowsFoldersFirstThenFilesWithSizes()
    {
        _files.Write("b.txt", "bb");
        _files.Write("a/inner.txt", "i");

        var listing = await Plugin.ListAsync();

        listing.Entries.Select(e => (e.Path, e.Type)).Should().Equal(("a", "directory"), ("b.txt", "file"));
        listing.Entries[1].Size.Should().Be(2);
        listing.Truncated.Should().BeFalse();
    }

    [Fact]
    public async Task List_RecursiveWithGlob_FiltersAndDoesNotFollowSymlinks()
    {
        _files.Write("src/a.cs", "x");
        _files.Write("src/deep/b.cs", "x");
        _files.Write("src/c.txt", "x");
        File.WriteAllText(Path.Combine(_files.Outside, "z.cs"), "x");
        Directory.CreateSymbolicLink(_files.InRoot("src", "link"), _files.Outside);

        var listing = await Plugin.ListAsync("src", "*.cs", recursive: true);

        listing.Entries.Select(e => e.Path).Should().BeEquivalentTo(["src/a.cs", "src/deep/b.cs"]);
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
    public async Task Read_LineRange_ReturnsThoseLinesAndTheTotal()
    {
        _files.Write("lines.txt", "one\ntwo\nthree\nfour\n");

        var result = await Plugin.ReadAsync("lines.txt", startLine: 2, endLine: 3);

        result.Content.Should().Be("two\nthree\n");
        (result.StartLine, result.EndLine, result.TotalLines, result.Truncated).Should().Be((2, 3, 4, false));
    }

    [Fact]
    public async Task Read_LargerThanTheCap_IsCutWithANoteSayingWhereToGoOn()
    {
        _files.Write("big.txt", string.Join('\n', Enumerable.Range(1, 40).Select(i => $"line {i}")));

        var result = await Plugin.ReadAsync("big.txt");

        result.Truncated.Should().BeTrue();
        System.Text.Encoding.UTF8.GetByteCount(result.Content).Should().BeLessThanOrEqualTo(64);
        result.Note.Should().Contain($"startLine={result.EndLine + 1}").And.Contain("Lumina:Files:MaxReadBytes");
    }

    [Fact]
    public async Task Read_BinaryFile_IsRefused()
    {
        File.WriteAllBytes(_files.InRoot("image.bin"), [0x89, 0x50, 0x00, 0x01]);

        var read = () => Plugin.ReadAsync("image.bin");

        await read.Should().ThrowAsync<LuminaException>().WithMessage("*binary*");
    }

    [Fact]
    public async Task Read_InvalidUtf8_IsTreatedAsBinary()
    {
        File.WriteAllBytes(_files.InRoot("latin1.txt"), [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', (byte)'x']);

        var read = () => Plugin.ReadAsync("latin1.txt");

        await read.Should().ThrowAsync<LuminaException>().WithMessage("*binary*");
    }

    [Fact]
    public async Task Read_MissingFileAndFolder_SayWhatIsWrong()
    {
        Directory.CreateDirectory(_files.InRoot("dir"));

        await ((Func<Task>)(() => Plugin.ReadAsync("nope.txt"))).Should().ThrowAsync<LuminaException>().WithMessage("*does not exist*");
        await ((Func<Task>)(() => Plugin.ReadAsync("dir"))).Should().ThrowAsync<LuminaException>().WithMessage("*folder*files_list*");
    }

    [Fact]
    public async Task Read_OutsideTheRoot_NeverReturnsTheContent()
    {
        File.WriteAllText(Path.Combine(_files.Outside, "secret.txt"), "top secret");
        File.CreateSymbolicLink(_files.InRoot("s.txt"), Path.Combine(_files.Outside, "secret.txt"));

        var viaLink = () => Plugin.ReadAsync("s.txt");
        var viaAbsolute = () => Plugin.ReadAsync(Path.Combine(_files.Outside, "secret.txt"));

        (await viaLink.Should().ThrowAsync<LuminaException>()).Which.Message.Should().NotContain("top secret");
        (await viaAbsolute.Should().ThrowAsync<LuminaException>()).Which.Message.Should().NotContain("top secret");
    }

    [Fact]
    public async Task Search_GlobOnly_ListsMatchingFilesUpToTheCap()
    {
        foreach (var name in new[] { "a.cs", "b.cs", "sub/c.cs", "sub/d.cs", "e.txt" })
        {
            _files.Write(name, "x");
        }

        var result = await Plugin.SearchAsync("*.cs");

        result.Matches.Should().HaveCount(3);
        result.Truncated.Should().BeTrue();
        result.Matches.Should().OnlyContain(m => m.Path.EndsWith(".cs", StringComparison.Ordinal) && m.Line == null);
    }

    [Fact]
    public async Task Search_Text_FindsLinesCaseInsensitivelyAndSkipsBinaries()
    {
        _files.Write("a.txt", "alpha\nNeedle here\nomega");
        File.WriteAllBytes(_files.InRoot("b.bin"), [(byte)'n', (byte)'e', (byte)'e', (byte)'d', (byte)'l', (byte)'e', 0]);

        var result = await Plugin.SearchAsync(query: "needle");

        result.Matches.Should().ContainSingle().Which.Should().Be(new SearchMatch("a.txt", 2, "Needle here"));
        result.SkippedFiles.Should().Be(1);
    }

    [Fact]
    public async Task Search_Regex_MatchesAndAnInvalidOneIsAClearError()
    {
        _files.Write("code.cs", "int x = 42;\nvar y = 7;");

        var result = await Plugin.SearchAsync("**/*.cs", @"\d{2}", isRegex: true);
        var invalid = () => Plugin.SearchAsync(query: "([", isRegex: true);

        result.Matches.Select(m => m.Line).Should().Equal(1);
        await invalid.Should().ThrowAsync<LuminaException>().WithMessage("*regular expression*");
    }

    [Fact]
    public async Task Search_DoesNotFollowSymlinksOutOfTheRoot()
    {
        File.WriteAllText(Path.Combine(_files.Outside, "leak.txt"), "needle");
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var result = await Plugin.SearchAsync(query: "needle");

        result.Matches.Should().BeEmpty();
    }

    [Fact]
    public async Task Write_NewFile_CreatesFoldersAndRefusesToOverwriteUnlessAsked()
    {
        var created = await Plugin.WriteAsync("new/dir/file.txt", "hello");
        var again = () => Plugin.WriteAsync("new/dir/file.txt", "bye");
        var overwritten = await Plugin.WriteAsync("new/dir/file.txt", "bye", overwrite: true);

        created.Action.Should().Be("created");
        await again.Should().ThrowAsync<LuminaException>().WithMessage("*already exists*overwrite=true*");
        overwritten.Action.Should().Be("overwritten");
        File.ReadAllText(_files.InRoot("new", "dir", "file.txt")).Should().Be("bye");
    }

    [Fact]
    public async Task Write_LargerThanTheCap_IsRefusedAndWritesNothing()
    {
        var write = () => Plugin.WriteAsync("big.txt", new string('x', 500));

        await write.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Files:MaxWriteBytes*");
        File.Exists(_files.InRoot("big.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Write_ThroughASymlinkedFolderOutside_IsRefused()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        var write = () => Plugin.WriteAsync("out/planted.txt", "x");

        await write.Should().ThrowAsync<LuminaException>();
        File.Exists(Path.Combine(_files.Outside, "planted.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Edit_UniqueText_IsReplaced()
    {
        _files.Write("e.txt", "one two three");

        var change = await Plugin.EditAsync("e.txt", "two", "2");

        change.Replacements.Should().Be(1);
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("one 2 three");
    }

    [Fact]
    public async Task Edit_AmbiguousOrMissingText_IsRefusedUnlessReplaceAll()
    {
        _files.Write("e.txt", "x x x");

        var ambiguous = () => Plugin.EditAsync("e.txt", "x", "y");
        var missing = () => Plugin.EditAsync("e.txt", "zzz", "y");

        await ambiguous.Should().ThrowAsync<LuminaException>().WithMessage("*3 times*replaceAll*");
        await missing.Should().ThrowAsync<LuminaException>().WithMessage("*not found*");
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("x x x", "a refused edit changes nothing");
        var all = await Plugin.EditAsync("e.txt", "x", "y", replaceAll: true);
        all.Replacements.Should().Be(3);
        File.ReadAllText(_files.InRoot("e.txt")).Should().Be("y y y");
    }

    [Fact]
    public async Task Move_RenamesAndRespectsOverwrite()
    {
        _files.Write("a.txt", "a");
        _files.Write("b.txt", "b");

        var clash = () => Plugin.MoveAsync("a.txt", "b.txt");
        await clash.Should().ThrowAsync<LuminaException>().WithMessage("*already exists*");
        await Plugin.MoveAsync("a.txt", "moved/c.txt");

        File.Exists(_files.InRoot("a.txt")).Should().BeFalse();
        File.ReadAllText(_files.InRoot("moved", "c.txt")).Should().Be("a");
    }

    [Fact]
    public async Task Move_OutOfTheRoot_IsRefused()
    {
        _files.Write("a.txt", "a");

        var move = () => Plugin.MoveAsync("a.txt", Path.Combine(_files.Outside, "a.txt"));

        await move.Should().ThrowAsync<LuminaException>().WithMessage("*outside*");
        File.Exists(_files.InRoot("a.txt")).Should().BeTrue();
    }

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
    public async Task Delete_FileFolderAndRoot()
    {
        _files.Write("d/x.txt", "x");
        _files.Write("f.txt", "x");

        await Plugin.DeleteAsync("f.txt");
        var notEmpty = () => Plugin.DeleteAsync("d");
        await notEmpty.Should().ThrowAsync<LuminaException>().WithMessage("*recursive=true*");
        await Plugin.DeleteAsync("d", recursive: true);
        var root = () => Plugin.DeleteAsync(".");

        File.Exists(_files.InRoot("f.txt")).Should().BeFalse();
        Directory.Exists(_files.InRoot("d")).Should().BeFalse();
        await root.Should().ThrowAsync<LuminaException>().WithMessage("*root*");
    }

    [Fact]
    public async Task Delete_SymlinkToOutside_RemovesTheLinkNotTheTarget()
    {
        File.WriteAllText(Path.Combine(_files.Outside, "keep.txt"), "keep");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), Path.Combine(_files.Outside, "keep.txt"));

        await Plugin.DeleteAsync("link.txt");

        File.Exists(_files.InRoot("link.txt")).Should().BeFalse();
        File.ReadAllText(Path.Combine(_files.Outside, "keep.txt")).Should().Be("keep");
    }

    [Fact]
    public async Task ClientRoots_WithoutConfiguredRoots_AreWhereTheCallMayGo()
    {
        var plugin = new FilesPlugin(new FilesOptions(), _files.Accessor, Microsoft.Extensions.Logging.Abstractions.NullLogger<FilesPlugin>.Instance);
        File.WriteAllText(Path.Combine(_files.Outside, "client.txt"), "from the client's workspace");

        var none = () => plugin.ReadAsync("client.txt");
        await none.Should().ThrowAsync<LuminaException>().WithMessage("*Lumina:Files:Roots*");

        using (_files.Accessor.Push(new RootsContext(_files.Outside)))
        {
            (await plugin.ReadAsync("client.txt")).Content.Should().Be("from the client's workspace\n");
        }
    }

    [Fact]
    public async Task Kernel_PluginImportsWithNamesDescriptionsAndAnnotations()
    {
        var kernel = new Kernel();
        kernel.ImportPluginFromObject(Plugin, "files");
        _files.Write("k.txt", "through the kernel");

        var functions = kernel.Plugins["files"].Select(f => f.Name).ToList();
        var result = await kernel.InvokeAsync<FileReadResult>("files", "read", new() { ["path"] = "k.txt" });

        functions.Should().BeEquivalentTo(["list", "read", "search", "write", "edit", "move", "delete"]);
        kernel.Plugins["files"].Should().OnlyContain(f => !string.IsNullOrWhiteSpace(f.Description)
            && f.Metadata.Parameters.All(p => !string.IsNullOrWhiteSpace(p.Description)));
        result!.Content.Should().Be("through the kernel\n");
        Annotation("delete").Destructive.Should().BeTrue();
        Annotation("read").ReadOnly.Should().BeTrue();
        Annotation("write").ReadOnly.Should().BeFalse();
        Annotation("edit").Destructive.Should().BeFalse();
    }

    private static LuminaToolAttribute Annotation(string function) =>
        typeof(FilesPlugin).GetMethods()
            .Single(m => m.GetCustomAttributes(typeof(KernelFunctionAttribute), false).OfType<KernelFunctionAttribute>().Any(a => a.Name == function))
            .GetCustomAttributes(typeof(LuminaToolAttribute), false).OfType<LuminaToolAttribute>().Single();
}
