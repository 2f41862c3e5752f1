using System.ComponentModel;
using System.Reflection;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.Files.Tests;

/// <summary>The plugin as Semantic Kernel sees it: names, descriptions, parameter binding and annotations.</summary>
public sealed class FilesPluginKernelTests : IDisposable
{
    private readonly FilesFixture _files = new();
    private readonly Kernel _kernel = new();

    public FilesPluginKernelTests() => _kernel.ImportPluginFromObject(_files.Plugin, "files");

    public void Dispose() => _files.Dispose();

    private KernelPlugin Files => _kernel.Plugins["files"];

    [Fact]
    public void Import_HasEveryFunctionWithDescriptionsOnFunctionsAndParameters()
    {
        Files.Select(f => f.Name).Should().BeEquivalentTo(["list", "read", "search", "write", "edit", "move", "delete"]);
        foreach (var function in Files)
        {
            function.Description.Should().NotBeNullOrWhiteSpace($"{function.Name} needs a description");
            function.Metadata.Parameters.Should().NotBeEmpty()
                .And.OnlyContain(p => !string.IsNullOrWhiteSpace(p.Description), $"every parameter of {function.Name} needs a description");
        }
    }

    [Fact]
    public void Import_ParametersHaveTheDocumentedNamesAndRequiredness()
    {
        Parameters("read").Should().Equal(("path", true), ("startLine", false), ("endLine", false));
        Parameters("edit").Should().Equal(("path", true), ("oldText", true), ("newText", true), ("replaceAll", false));
        Parameters("move").Should().Equal(("source", true), ("destination", true), ("overwrite", false));
    }

    [Fact]
    public async Task InvokeAsync_WriteThenRead_BindsArgumentsByName()
    {
        await _kernel.InvokeAsync("files", "write", new() { ["path"] = "k/notes.txt", ["content"] = "one\ntwo\nthree\n" });

        var result = await _kernel.InvokeAsync<FileReadResult>("files", "read", new() { ["path"] = "k/notes.txt", ["startLine"] = "2", ["endLine"] = 2 });

        result.Should().Be(new FileReadResult("k/notes.txt", "two\n", 2, 2, 3, false, null));
    }

    [Fact]
    public async Task InvokeAsync_PathOutsideTheRoots_SurfacesTheLuminaException()
    {
        var call = () => _kernel.InvokeAsync("files", "read", new() { ["path"] = "../../etc/passwd" });

        await call.Should().ThrowAsync<LuminaException>().WithMessage("*outside the allowed roots*");
    }

    [Theory]
    [InlineData("list", true, false, true)]
    [InlineData("read", true, false, true)]
    [InlineData("search", true, false, true)]
    [InlineData("write", false, true, false)]
    [InlineData("edit", false, false, false)]
    [InlineData("move", false, true, false)]
    [InlineData("delete", false, true, true)]
    public void LuminaTool_DeclaresWhatEachFunctionDoes(string function, bool readOnly, bool destructive, bool idempotent)
    {
        var tool = Method(function).GetCustomAttribute<LuminaToolAttribute>()!;

        (tool.ReadOnly, tool.Destructive, tool.Idempotent, tool.OpenWorld).Should().Be((readOnly, destructive, idempotent, false));
        tool.Title.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Plugin_IsNamedFilesAndDescribed()
    {
        var plugin = typeof(FilesPlugin).GetCustomAttribute<LuminaPluginAttribute>()!;

        plugin.Name.Should().Be("files");
        plugin.Description.Should().NotBeNullOrWhiteSpace();
        typeof(FilesPlugin).GetConstructors().Should().ContainSingle("Lumina creates plugins with ActivatorUtilities");
    }

    private List<(string Name, bool IsRequired)> Parameters(string function) =>
        [.. Files[function].Metadata.Parameters.Select(p => (p.Name, p.IsRequired))];

    private static MethodInfo Method(string function) =>
        typeof(FilesPlugin).GetMethods().Single(m => m.GetCustomAttribute<KernelFunctionAttribute>()?.Name == function
            && m.GetCustomAttribute<DescriptionAttribute>() is not null);
}
