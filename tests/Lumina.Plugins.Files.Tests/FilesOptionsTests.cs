namespace Lumina.Plugins.Files.Tests;

public sealed class FilesOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnesAndValid()
    {
        var options = new FilesOptions();

        options.Roots.Should().BeEmpty();
        (options.MaxReadBytes, options.MaxWriteBytes, options.MaxSearchFileBytes).Should().Be((1L << 20, 1L << 20, 4L << 20));
        (options.MaxSearchResults, options.MaxListEntries).Should().Be((200, 1000));
        FilesOptions.Validate(options).Should().BeEmpty();
    }

    [Fact]
    public void Validate_BadSettings_NameEachSetting()
    {
        var errors = FilesOptions.Validate(new FilesOptions
        {
            Roots = ["relative/path", "/no/such/folder", " "],
            MaxReadBytes = 0,
            MaxWriteBytes = 2L << 30,
            MaxSearchResults = -1,
            MaxListEntries = 0,
            MaxSearchFileBytes = -5,
        });

        errors.Should().BeEquivalentTo(
            "Lumina:Files:Roots:0 ('relative/path') must be an absolute path.",
            "Lumina:Files:Roots:1 ('/no/such/folder') is not an existing folder.",
            "Lumina:Files:Roots:2 is empty.",
            "Lumina:Files:MaxReadBytes must be positive.",
            "Lumina:Files:MaxWriteBytes must be at most 1073741824 bytes (1 GiB).",
            "Lumina:Files:MaxSearchFileBytes must be positive.",
            "Lumina:Files:MaxSearchResults must be positive.",
            "Lumina:Files:MaxListEntries must be positive.");
    }
}
