using System.Text;
using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

public sealed class TextFilesTests : IDisposable
{
    private readonly FilesFixture _files = new();

    public void Dispose() => _files.Dispose();

    private AllowedRoots Roots => AllowedRoots.Of(_files.Root);

    [Theory]
    [InlineData(0, "界")]
    [InlineData(1, "界")]
    [InlineData(2, "界")]
    [InlineData(0, "😀")]
    [InlineData(1, "😀")]
    [InlineData(2, "😀")]
    [InlineData(3, "😀")]
    public void LooksBinary_TextLongerThanTheSampleWithACharacterCutByIt_IsText(int asciiPrefix, string character)
    {
        // Whatever the alignment, some multi-byte character straddles byte 8192; that is not a sign of binary.
        var text = new string('a', asciiPrefix) + string.Concat(Enumerable.Repeat(character, 4000));
        var path = _files.Write("text.txt", text);

        using var stream = File.OpenRead(path);
        TextFiles.LooksBinary(stream).Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' })]
    [InlineData(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ' })]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'a', 0 })]
    public void LooksBinary_NulOrInvalidUtf8_IsBinary(byte[] bytes) =>
        TextFiles.LooksBinary(bytes, complete: true).Should().BeTrue();

    [Fact]
    public void LooksBinary_EmptyFile_IsText()
    {
        using var stream = File.OpenRead(_files.Write("empty.txt", string.Empty));
        TextFiles.LooksBinary(stream).Should().BeFalse();
    }

    [Fact]
    public void WriteAtomically_ExistingFile_KeepsItsByteOrderMarkAndLeavesNoTemporaryFile()
    {
        var path = _files.InRoot("bom.txt");
        File.WriteAllText(path, "old", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        TextFiles.WriteAtomically(Roots, path, "new", overwrite: true, path);

        File.ReadAllBytes(path).Should().Equal([0xEF, 0xBB, 0xBF, (byte)'n', (byte)'e', (byte)'w']);
        Directory.GetFiles(_files.Root).Should().ContainSingle();
    }

    [Fact]
    public void WriteAtomically_NewFile_HasNoByteOrderMark()
    {
        var path = _files.InRoot("plain.txt");

        TextFiles.WriteAtomically(Roots, path, "new", overwrite: true, path);

        File.ReadAllBytes(path).Should().Equal("new"u8.ToArray());
    }

    [Fact]
    public void WriteAtomically_ExecutableScript_StaysExecutable()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _files.Write("run.sh", "#!/bin/sh\n");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(path, mode);

        TextFiles.WriteAtomically(Roots, path, "#!/bin/sh\necho hi\n", overwrite: true, path);

        File.GetUnixFileMode(path).Should().Be(mode);
    }

    [Fact]
    public void WriteAtomically_LoneSurrogate_IsAClearErrorAndWritesNothing()
    {
        var path = _files.InRoot("bad.txt");

        ((Action)(() => TextFiles.WriteAtomically(Roots, path, "a\uD800b", overwrite: true, path))).Should().Throw<LuminaException>().WithMessage("*Unicode*");
        Directory.GetFiles(_files.Root).Should().BeEmpty();
    }
}
