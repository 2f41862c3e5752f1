using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

public sealed class FilesPluginTests : IDisposable
{
    private readonly FilesFixture _files = new(o =>
    {
        o.MaxReadBytes = 64;
        o.MaxWriteBytes = 128;
        o.MaxSearchResults = 3;
        o.MaxListEntries = 4;
        o.MaxSearchFileBytes = 256;
    });

    public void Dispose() => _files.Dispose();

    private FilesPlugin Plugin => _files.Plugin;

    // list

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

    // read

    [Fact]
    public async Task Read_LineRange_ReturnsThoseLinesAndTheTotal()
    {
        _files.Write("lines.txt", "one\ntwo\nthree\nfour\n");

        var result = await Plugin.ReadAsync("lines.txt", startLine: 2, endLine: 3);

        result.Should().Be(new FileReadResult("lines.txt", "two\nthree\n", 2, 3, 4, false, null));
    }

    [Fact]
    public async Task Read_WindowsLineEndings_AreKept()
    {
        _files.Write("crlf.txt", "a\r\nb\r\n");

        (await Plugin.ReadAsync("crlf.txt")).Content.Should().Be("a\r\nb\r\n");
    }

    [Fact]
    public async Task Read_LargerThanTheCap_IsCutWithANoteSayingWhereToGoOn()
    {
        _files.Write("big.txt", string.Join('\n', Enumerable.Range(1, 40).Select(i => $"line {i}")));

        var result = await Plugin.ReadAsync("big.txt");
        var next = await Plugin.ReadAsync("big.txt", startLine: result.EndLine + 1);

        result.Truncated.Should().BeTrue();
        result.TotalLines.Should().Be(40);
        System.Text.Encoding.UTF8.GetByteCount(result.Content).Should().BeLessThanOrEqualTo(64);
        result.Content.Should().EndWith("\n", "only whole lines are returned");
        result.Note.Should().Contain($"startLine={result.EndLine + 1}").And.Contain("Lumina:Files:MaxReadBytes");
        next.Content.Should().StartWith($"line {result.EndLine + 1}\n");
    }

    [Fact]
    public async Task Read_SingleLineLongerThanTheCap_ReturnsItsBeginningAndPointsPastIt()
    {
        _files.Write("minified.js", new string('x', 500) + "\nsecond\n");

        var result = await Plugin.ReadAsync("minified.js");
        var next = await Plugin.ReadAsync("minified.js", startLine: 2);

        result.Content.Should().Be(new string('x', 64));
        (result.EndLine, result.Truncated).Should().Be((1, true));
        result.Note.Should().Contain("Line 1 alone is longer").And.Contain("startLine=2");
        next.Content.Should().Be("second\n");
    }

    [Fact]
    public async Task Read_PastTheEnd_ReturnsNothingAndSaysHowLongTheFileIs()
    {
        _files.Write("short.txt", "a\nb\n");

        var result = await Plugin.ReadAsync("short.txt", startLine: 10);

        result.Content.Should().BeEmpty();
        result.Note.Should().Contain("has 2 lines");
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(5, 4)]
    public async Task Read_BadRange_IsRefused(int start, int? end)
    {
        _files.Write("a.txt", "a");

        var read = () => Plugin.ReadAsync("a.txt", start, end);

        await read.Should().ThrowAsync<LuminaException>().WithMessage("*startLine*");
    }

    [Fact]
    public async Task Read_BinaryFile_IsRefused()
    {
        File.WriteAllBytes(_files.InRoot("image.bin"), [0x89, 0x50, 0x00, 0x01]);

        var read = () => Plugin.ReadAsync("image.bin");

        await read.Should().ThrowAsync<LuminaException>().WithMessage("*binary*only text files*");
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

    [Theory]
    [InlineData("link")]
    [InlineData("absolute")]
    [InlineData("dotdot")]
    [InlineData("linked-folder")]
    public async Task Read_OutsideTheRoot_IsRefusedAndNeverReturnsTheContent(string how)
    {
        var secret = _files.WriteOutside("secret.txt", "top secret");
        File.CreateSymbolicLink(_files.InRoot("s.txt"), secret);
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);
        var path = how switch
        {
            "link" => "s.txt",
            "absolute" => secret,
            "dotdot" => Path.Combine("..", Path.GetFileName(_files.Outside), "secret.txt"),
            _ => "out/secret.txt",
        };

        var read = () => Plugin.ReadAsync(path);

        var error = await read.Should().ThrowAsync<LuminaException>().WithMessage($"Path '{path}'*outside the allowed roots*");
        error.Which.Message.Should().NotContain("top secret");
    }

    // search

    [Fact]
    public async Task Search_GlobOnly_ListsMatchingFilesUpToTheCap()
    {
        foreach (var name in new[] { "a.cs", "b.cs", "sub/c.cs", "sub/d.cs", "e.txt" })
        {
            _files.Write(name, "x");
        }

        var result = await Plugin.SearchAsync("**/*.cs");

        result.Matches.Select(m => m.Path).Should().Equal("a.cs", "b.cs", "sub/c.cs");
        result.Truncated.Should().BeTrue();
        result.Matches.Should().OnlyContain(m => m.Line == null && m.Text == null);
    }

    [Fact]
    public async Task Search_Text_FindsLinesCaseInsensitivelyAndSkipsBinaryAndLargeFiles()
    {
        _files.Write("a.txt", "alpha\nNeedle here\nomega");
        File.WriteAllBytes(_files.InRoot("b.bin"), [(byte)'n', (byte)'e', (byte)'e', (byte)'d', (byte)'l', (byte)'e', 0]);
        _files.Write("large.txt", "needle\n" + new string('x', 300));

        var result = await Plugin.SearchAsync(query: "needle");

        result.Matches.Should().ContainSingle().Which.Should().Be(new SearchMatch("a.txt", 2, "Needle here"));
        (result.FilesScanned, result.SkippedFiles, result.Truncated).Should().Be((3, 2, false));
    }

    [Fact]
    public async Task Search_Regex_MatchesAndAnInvalidOneIsAClearError()
    {
        _files.Write("code.cs", "int x = 42;\nvar y = 7;");
        _files.Write("notes.md", "42");

        var result = await Plugin.SearchAsync("**/*.cs", @"\d{2}", isRegex: true);
        var invalid = () => Plugin.SearchAsync(query: "([", isRegex: true);

        result.Matches.Should().Equal(new SearchMatch("code.cs", 1, "int x = 42;"));
        await invalid.Should().ThrowAsync<LuminaException>().WithMessage("*regular expression*");
    }

    [Fact]
    public async Task Search_SingleFile_SearchesJustThatFile()
    {
        _files.Write("a.txt", "x\nneedle\n");
        _files.Write("b.txt", "needle\n");

        var result = await Plugin.SearchAsync(query: "needle", path: "a.txt");

        result.Matches.Should().Equal(new SearchMatch("a.txt", 2, "needle"));
    }

    [Fact]
    public async Task Search_LongLine_IsShortened()
    {
        _files.Write("long.txt", "needle" + new string('y', 600));
        _files.Options.MaxSearchFileBytes = 4096;

        var match = (await Plugin.SearchAsync(query: "needle")).Matches.Should().ContainSingle().Subject;

        match.Text.Should().HaveLength(501).And.EndWith("…");
    }

    [Fact]
    public async Task Search_DoesNotFollowSymlinksOutOfTheRoot()
    {
        _files.WriteOutside("leak.txt", "needle");
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);
        File.CreateSymbolicLink(_files.InRoot("leak-link.txt"), _files.InOutside("leak.txt"));

        var result = await Plugin.SearchAsync(query: "needle");
        var listed = await Plugin.SearchAsync();

        result.Matches.Should().BeEmpty();
        listed.Matches.Should().BeEmpty();
    }

    [Fact]
    public async Task Search_ManyFiles_ReportsProgressWithTheTotal()
    {
        _files.Options.MaxSearchResults = 1000;
        for (var i = 0; i < 450; i++)
        {
            _files.Write($"f{i:D3}.txt", "x");
        }

        var context = new TestCallContext(_files.Root);
        SearchResult result;
        using (_files.Accessor.Push(context))
        {
            result = await Plugin.SearchAsync(query: "x");
        }

        result.Matches.Should().HaveCount(450);
        context.Progress.Select(p => (p.Progress, p.Total)).Should().Equal((200, 450), (400, 450));
    }

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

    [Fact]
    public async Task SearchAndList_GlobBeyondTheAutomatonLimit_FailWithAClearError()
    {
        var pattern = string.Concat(Enumerable.Repeat("{a,b}*", 20000));

        var search = () => Plugin.SearchAsync(pattern);
        var list = () => Plugin.ListAsync(".", pattern);

        await search.Should().ThrowAsync<LuminaException>().WithMessage("The glob is too complex*");
        await list.Should().ThrowAsync<LuminaException>().WithMessage("The glob is too complex*");
    }

    // roots

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
