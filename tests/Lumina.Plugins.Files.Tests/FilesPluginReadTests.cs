using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

/// <summary>files_read: line ranges, the byte cap and where to go on, binary files, paths outside the root.</summary>
public sealed class FilesPluginReadTests : FilesPluginTestBase
{
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
}
