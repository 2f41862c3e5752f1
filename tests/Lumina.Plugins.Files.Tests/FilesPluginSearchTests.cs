using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>files_search: globs, text and regular expressions, caps, symbolic links, progress, globs too complex to match.</summary>
public sealed class FilesPluginSearchTests : FilesPluginTestBase
{
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

    [Fact]
    public async Task SearchAndList_GlobBeyondTheAutomatonLimit_FailWithAClearError()
    {
        var pattern = string.Concat(Enumerable.Repeat("{a,b}*", 20000));

        var search = () => Plugin.SearchAsync(pattern);
        var list = () => Plugin.ListAsync(".", pattern);

        await search.Should().ThrowAsync<LuminaException>().WithMessage("The glob is too complex*");
        await list.Should().ThrowAsync<LuminaException>().WithMessage("The glob is too complex*");
    }
}
