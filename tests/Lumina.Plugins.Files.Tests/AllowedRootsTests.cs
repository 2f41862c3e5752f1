using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

public sealed class AllowedRootsTests : IDisposable
{
    private readonly FilesFixture _files = new();

    public void Dispose() => _files.Dispose();

    private AllowedRoots Roots => AllowedRoots.Of(_files.Root);

    [Fact]
    public void Resolve_RelativePath_IsUnderTheFirstRoot() =>
        Roots.Resolve("a/b.txt").Should().Be(Path.Combine(AllowedRoots.RealPath(_files.Root), "a", "b.txt"));

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    public void Resolve_PathLeavingTheRoot_IsRefused(string path) =>
        ((Action)(() => Roots.Resolve(path))).Should().Throw<LuminaException>().WithMessage("*outside the allowed roots*");

    [Fact]
    public void Resolve_DotDotThatStaysInside_IsAllowed() =>
        Roots.Resolve("a/../b.txt").Should().EndWith($"{Path.DirectorySeparatorChar}b.txt");

    [Fact]
    public void Resolve_SymlinkToAFileOutside_IsRefused()
    {
        File.WriteAllText(Path.Combine(_files.Outside, "secret.txt"), "secret");
        File.CreateSymbolicLink(_files.InRoot("link.txt"), Path.Combine(_files.Outside, "secret.txt"));

        ((Action)(() => Roots.Resolve("link.txt"))).Should().Throw<LuminaException>().WithMessage("*symbolic link*");
    }

    [Fact]
    public void Resolve_PathThroughASymlinkedFolderOutside_IsRefusedEvenForANewFile()
    {
        Directory.CreateSymbolicLink(_files.InRoot("out"), _files.Outside);

        ((Action)(() => Roots.Resolve("out/new.txt"))).Should().Throw<LuminaException>();
        ((Action)(() => Roots.Resolve("out/deeper/new.txt"))).Should().Throw<LuminaException>();
    }

    [Fact]
    public void Resolve_DanglingSymlinkPointingOutside_IsRefused()
    {
        File.CreateSymbolicLink(_files.InRoot("dangling"), Path.Combine(_files.Outside, "not-yet.txt"));

        ((Action)(() => Roots.Resolve("dangling"))).Should().Throw<LuminaException>();
    }

    [Fact]
    public void Resolve_SymlinkStayingInside_IsAllowedAndResolved()
    {
        var target = _files.Write("real/file.txt", "x");
        File.CreateSymbolicLink(_files.InRoot("alias.txt"), target);

        Roots.Resolve("alias.txt").Should().Be(AllowedRoots.RealPath(target));
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
    public void Resolve_NoRoots_SaysHowToConfigureThem() =>
        ((Action)(() => AllowedRoots.Of().Resolve("a.txt"))).Should().Throw<LuminaException>().WithMessage("*Lumina:Files:Roots*");

    [Fact]
    public void Resolve_NulCharacter_IsRefused() =>
        ((Action)(() => Roots.Resolve("a\0b"))).Should().Throw<LuminaException>();

    [Fact]
    public async Task ResolveAsync_ClientRoots_AreAddedToConfiguredRoots()
    {
        var options = new FilesOptions();
        var roots = await AllowedRoots.ResolveAsync(options, new RootsContext(_files.Outside), CancellationToken.None);

        roots.Roots.Should().Equal(AllowedRoots.RealPath(_files.Outside));
    }

    [Fact]
    public void Validate_BadSettings_NameTheSetting()
    {
        var errors = FilesOptions.Validate(new FilesOptions { Roots = ["relative/path", "/no/such/folder"], MaxReadBytes = 0, MaxSearchResults = -1 });

        errors.Should().Contain(e => e.Contains("Lumina:Files:Roots:0", StringComparison.Ordinal) && e.Contains("absolute", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Lumina:Files:Roots:1", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Lumina:Files:MaxReadBytes", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Lumina:Files:MaxSearchResults", StringComparison.Ordinal));
    }
}
