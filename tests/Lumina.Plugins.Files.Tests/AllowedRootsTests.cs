using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

public sealed class AllowedRootsTests : IDisposable
{
    private readonly FilesFixture _files = new();

    public void Dispose() => _files.Dispose();

    private AllowedRoots Roots => AllowedRoots.Of(_files.Root);

    private string RealRoot => AllowedRoots.RealPath(_files.Root);

    [Fact]
    public void Resolve_RelativePath_IsUnderTheFirstRoot() =>
        Roots.Resolve("a/b.txt").Should().Be(Path.Combine(RealRoot, "a", "b.txt"));

    [Fact]
    public void Resolve_AbsolutePathInsideARoot_IsAllowed() =>
        Roots.Resolve(_files.InRoot("x.txt")).Should().Be(Path.Combine(RealRoot, "x.txt"));

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    public void Resolve_PathLeavingTheRoot_IsRefusedNamingTheRoots(string path) =>
        ((Action)(() => Roots.Resolve(path))).Should().Throw<LuminaException>()
            .WithMessage($"Path '{path}' is outside the allowed roots: {RealRoot}.");

    [Fact]
    public void Resolve_SiblingFolderSharingTheRootsPrefix_IsRefused()
    {
        // …/root and …/root-evil share a prefix; only a separator makes a child.
        var sibling = Directory.CreateDirectory(_files.Root.TrimEnd(Path.DirectorySeparatorChar) + "-evil").FullName;

        ((Action)(() => Roots.Resolve(Path.Combine(sibling, "x.txt")))).Should().Throw<LuminaException>().WithMessage("*outside*");
    }

    [Fact]
    public void Resolve_SiblingDifferingOnlyInCase_IsOutsideOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Linux names are case-sensitive: …/ROOT is another folder, not the root …/root.
        var upper = Directory.CreateDirectory(Path.Combine(_files.Sandbox, "ROOT")).FullName;

        ((Action)(() => Roots.Resolve(Path.Combine(upper, "x.txt")))).Should().Throw<LuminaException>().WithMessage("*outside*");
    }

    [Fact]
    public void Resolve_DotDotThatStaysInside_IsAllowed() =>
        Roots.Resolve("a/../b.txt").Should().Be(Path.Combine(RealRoot, "b.txt"));

    [Fact]
    public void Resolve_SymlinkToAFileOutside_IsRefused()
    {
        File.CreateSymbolicLink(_files.InRoot("link.txt"), _files.WriteOutside("secret.txt", "secret"));

        ((Action)(() => Roots.Resolve("link.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*outside the allowed roots*");
    }

    [Fact]
    public void Resolve_PathThroughASymlinkedFolderOutside_IsRefusedEvenForANewFile()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        ((Action)(() => Roots.Resolve("out"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
        ((Action)(() => Roots.Resolve("out/new.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
        ((Action)(() => Roots.Resolve("out/deeper/new.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
    }

    [Fact]
    public void Resolve_RelativeSymlinkClimbingOut_IsRefused()
    {
        // A relative target ("../..") is resolved against the link's folder, not taken as a name.
        Directory.CreateDirectory(_files.InRoot("a"));
        Directory.CreateSymbolicLink(_files.InRoot("a", "up"), Path.Combine("..", ".."));

        ((Action)(() => Roots.Resolve("a/up/etc/passwd"))).Should().Throw<LuminaException>();
    }

    [Fact]
    public void Resolve_DanglingSymlinkPointingOutside_IsRefused()
    {
        File.CreateSymbolicLink(_files.InRoot("dangling"), _files.InOutside("not-yet.txt"));

        ((Action)(() => Roots.Resolve("dangling"))).Should().Throw<LuminaException>();
    }

    [Fact]
    public void Resolve_SymlinkStayingInside_IsAllowedAndResolved()
    {
        var target = _files.Write("real/file.txt", "x");
        File.CreateSymbolicLink(_files.InRoot("alias.txt"), target);

        Roots.Resolve("alias.txt").Should().Be(Path.Combine(RealRoot, "real", "file.txt"));
    }

    [Fact]
    public void Resolve_SymlinkChainThroughAnotherLinkOutside_IsRefused()
    {
        // root/hop -> root/inner (a link) -> outside: the chain is followed to its end.
        Directory.CreateSymbolicLink(_files.InRoot("inner"), _files.Outside);
        Directory.CreateSymbolicLink(_files.InRoot("hop"), _files.InRoot("inner"));

        ((Action)(() => Roots.Resolve("hop/x.txt"))).Should().Throw<LuminaException>();
    }

    [Fact]
    public void Resolve_SymlinkLoop_IsAClearError()
    {
        Directory.CreateSymbolicLink(_files.InRoot("a"), _files.InRoot("b"));
        Directory.CreateSymbolicLink(_files.InRoot("b"), _files.InRoot("a"));

        ((Action)(() => Roots.Resolve("a/x.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
    }

    [Fact]
    public void Resolve_RootGivenThroughASymlink_AcceptsPathsByEitherName()
    {
        // Like /tmp -> /private/tmp on macOS: the root is kept as its real path, and paths through the link still fit.
        var alias = _files.InOutside("alias");
        Directory.CreateSymbolicLink(alias, _files.Root);
        var roots = AllowedRoots.Of(alias);

        roots.Roots.Should().Equal(RealRoot);
        roots.Resolve(Path.Combine(alias, "a.txt")).Should().Be(Path.Combine(RealRoot, "a.txt"));
    }

    [Fact]
    public void ResolveEntry_Symlink_IsTheLinkItselfNotItsTarget()
    {
        File.CreateSymbolicLink(_files.InRoot("link.txt"), _files.WriteOutside("secret.txt", "secret"));

        Roots.ResolveEntry("link.txt").Should().Be(Path.Combine(RealRoot, "link.txt"));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("sub/..")]
    public void ResolveEntry_TheRootItself_IsTheRoot(string path) =>
        Roots.IsRoot(Roots.ResolveEntry(path)).Should().BeTrue();

    [Fact]
    public void ResolveEntry_EntryUnderASymlinkedFolderOutside_IsRefused()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        ((Action)(() => Roots.ResolveEntry("out/x.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
        ((Action)(() => Roots.ResolveEntry(".."))).Should().Throw<LuminaException>().WithMessage("*outside*");
    }

    [Fact]
    public void Display_UnderTheFirstRootIsRelative_UnderAnotherIsAbsolute()
    {
        var roots = AllowedRoots.Of(_files.Root, _files.Outside);
        var second = Path.Combine(AllowedRoots.RealPath(_files.Outside), "b.txt");

        roots.Display(Path.Combine(RealRoot, "a", "b.txt")).Should().Be("a/b.txt");
        roots.Display(RealRoot).Should().Be(".");
        roots.Display(second).Should().Be(second, "a relative path would resolve against the first root, a different file");
    }

    [Fact]
    public void Resolve_NoRoots_SaysHowToConfigureThem() =>
        ((Action)(() => AllowedRoots.Of().Resolve("a.txt"))).Should().Throw<LuminaException>().WithMessage("*Lumina:Files:Roots*client*roots*");

    [Theory]
    [InlineData("a\0b")]
    [InlineData("")]
    [InlineData("  ")]
    public void Resolve_MalformedPath_IsRefused(string path) =>
        ((Action)(() => Roots.Resolve(path))).Should().Throw<LuminaException>();

    [Fact]
    public async Task ResolveAsync_ClientRoots_AreAddedAfterConfiguredRootsAndNonFileRootsIgnored()
    {
        var options = new FilesOptions { Roots = [_files.Root] };
        var context = new TestCallContext(_files.Outside, "https://example.com/repo", "/does/not/exist");

        var roots = await AllowedRoots.ResolveAsync(options, _files.HostPaths, context, CancellationToken.None);

        roots.Roots.Should().Equal(RealRoot, AllowedRoots.RealPath(_files.Outside));
    }

    [Fact]
    public async Task ResolveAsync_SameRootFromConfigurationAndClient_IsListedOnce()
    {
        var roots = await AllowedRoots.ResolveAsync(new FilesOptions { Roots = [_files.Root] }, _files.HostPaths, new TestCallContext(_files.Root), CancellationToken.None);

        roots.Roots.Should().Equal(RealRoot);
    }

    // client roots by transport (issue 13)

    private Task<AllowedRoots> ResolveAsync(LuminaCaller caller, string[] configured, params string[] declared) =>
        AllowedRoots.ResolveAsync(new FilesOptions { Roots = configured }, _files.HostPaths, new TestCallContext(caller, declared), CancellationToken.None);

    [Fact]
    public async Task ResolveAsync_HttpClientDeclaringTheWholeDisk_GetsOnlyTheConfiguredRoots()
    {
        var roots = await ResolveAsync(TestCallContext.Http, [_files.Root], "/");

        roots.Roots.Should().Equal(RealRoot);
        ((Action)(() => roots.Resolve("/etc/passwd"))).Should().Throw<LuminaException>().WithMessage("*outside the allowed roots*");
    }

    [Fact]
    public async Task ResolveAsync_HttpClientRootInsideAConfiguredRoot_NarrowsToIt()
    {
        var sub = Directory.CreateDirectory(_files.InRoot("sub")).FullName;

        var roots = await ResolveAsync(TestCallContext.Http, [_files.Root], sub);

        roots.Roots.Should().Equal(Path.Combine(RealRoot, "sub"));
        ((Action)(() => roots.Resolve(_files.InRoot("a.txt")))).Should().Throw<LuminaException>().WithMessage("*outside*");
    }

    [Fact]
    public async Task ResolveAsync_HttpClientRootDisjointFromTheConfiguredRoots_OpensNothingAndSaysWhy()
    {
        var roots = await ResolveAsync(TestCallContext.Http, [_files.Root], _files.Outside);

        roots.Roots.Should().BeEmpty();
        ((Action)(() => roots.Resolve("a.txt"))).Should().Throw<LuminaException>().WithMessage("*over HTTP a client's roots can only narrow the configured roots*");
    }

    [Fact]
    public async Task ResolveAsync_HttpWithoutConfiguredRoots_OpensNothingWhateverTheClientDeclares()
    {
        var roots = await ResolveAsync(TestCallContext.Http, [], _files.Outside, "/");

        roots.Roots.Should().BeEmpty();
        ((Action)(() => roots.Resolve("a.txt"))).Should().Throw<LuminaException>().WithMessage("No folders are open to the files plugin over HTTP*Lumina:Files:Roots is empty*");
    }

    [Fact]
    public async Task ResolveAsync_HttpClientWithoutRoots_KeepsTheConfiguredRoots()
    {
        var roots = await ResolveAsync(TestCallContext.Http, [_files.Root, _files.Outside], "https://example.com/repo");

        roots.Roots.Should().Equal(RealRoot, AllowedRoots.RealPath(_files.Outside));
    }

    [Fact]
    public async Task ResolveAsync_InProcessCaller_IgnoresClientRoots()
    {
        var roots = await ResolveAsync(LuminaCaller.InProcess, [_files.Root], _files.Outside);

        roots.Roots.Should().Equal(RealRoot);
    }

    [Fact]
    public async Task ResolveAsync_StdioClientRoot_StillWidens()
    {
        var roots = await ResolveAsync(TestCallContext.Stdio, [_files.Root], _files.Outside);

        roots.Roots.Should().Equal(RealRoot, AllowedRoots.RealPath(_files.Outside));
    }

    [Fact]
    public async Task ResolveAsync_StdioClientRootHoldingTheHostsFolders_NeverReachesThem()
    {
        File.WriteAllText(Path.Combine(_files.Data, "auth.db"), "secret");
        var roots = await ResolveAsync(TestCallContext.Stdio, [], "/");

        roots.Resolve("/etc/passwd").Should().Be(AllowedRoots.RealPath("/etc/passwd"));
        ((Action)(() => roots.Resolve(Path.Combine(_files.Data, "auth.db")))).Should().Throw<LuminaException>().WithMessage("*folder of the Lumina host itself*");
        ((Action)(() => roots.Resolve(Path.Combine(AppContext.BaseDirectory, "appsettings.Production.json")))).Should().Throw<LuminaException>().WithMessage("*folder of the Lumina host itself*");
        ((Action)(() => roots.RequireNoHostFolderWithin(RealRoot, "root"))).Should().Throw<LuminaException>().WithMessage("*never moves or deletes*");
    }

    [Fact]
    public async Task ResolveAsync_ConfiguredRootInsideTheHostsFolder_IsLeftOut()
    {
        var roots = await ResolveAsync(TestCallContext.Stdio, [_files.Data, _files.Outside]);

        roots.Roots.Should().Equal(AllowedRoots.RealPath(_files.Outside));
    }

    [Fact]
    public async Task Resolve_LinkInsideARootToTheHostsFolder_IsRefused()
    {
        Directory.CreateSymbolicLink(_files.InOutside("data"), _files.Data);
        var roots = await ResolveAsync(TestCallContext.Stdio, [_files.Outside]);

        ((Action)(() => roots.Resolve("data/auth.db"))).Should().Throw<LuminaException>().WithMessage("*folder of the Lumina host itself*");
    }
}
