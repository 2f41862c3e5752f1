namespace Lumina.Plugins.Files.Tests;

public sealed class LineSlicerTests
{
    private static TextSlice Slice(string text, int start = 1, int end = int.MaxValue, long maxBytes = long.MaxValue, int chunk = 3)
    {
        var slicer = new LineSlicer(start, end, maxBytes);

        // Fed in small pieces so a "\r\n" or a surrogate pair split across pieces is exercised.
        for (var i = 0; i < text.Length; i += chunk)
        {
            slicer.Add(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
        }

        return slicer.Finish();
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("one", 1)]
    [InlineData("one\n", 1)]
    [InlineData("one\ntwo", 2)]
    [InlineData("one\n\n", 2)]
    [InlineData("one\r\ntwo\r\n", 2)]
    [InlineData("one\rtwo\r", 2)]
    [InlineData("\n\n\n", 3)]
    public void Finish_CountsLinesAsReadLineDoes(string text, int lines)
    {
        Slice(text).TotalLines.Should().Be(lines);
        Slice(text).Content.Should().Be(text);
    }

    [Fact]
    public void Add_Range_KeepsThoseLinesWithTheirEndings()
    {
        var slice = Slice("a\r\nb\r\nc\r\nd", start: 2, end: 3);

        slice.Should().Be(new TextSlice("b\r\nc\r\n", LastLine: 3, TotalLines: 4, CutLine: 0, CutInsideLine: false));
    }

    [Fact]
    public void Add_OverTheBudget_DropsThePartialLineSoTheReadCanGoOnFromIt()
    {
        var slice = Slice("aaaa\nbbbb\ncccc\n", maxBytes: 7);

        slice.Should().Be(new TextSlice("aaaa\n", LastLine: 1, TotalLines: 3, CutLine: 2, CutInsideLine: false));
    }

    [Fact]
    public void Add_FirstLineLongerThanTheBudget_ReturnsItsBeginning()
    {
        var slice = Slice(new string('x', 100) + "\nnext\n", start: 1, maxBytes: 10);

        slice.Should().Be(new TextSlice(new string('x', 10), LastLine: 1, TotalLines: 2, CutLine: 1, CutInsideLine: true));
    }

    [Fact]
    public void Add_MultiByteCharacters_AreCountedInUtf8AndPairsNeverSplit()
    {
        // "é" is 2 bytes, "😀" (a surrogate pair) 4: 2 + 4 = 6 fits in 7, the next "😀" does not.
        var slice = Slice("é😀😀", maxBytes: 7, chunk: 1);

        slice.Content.Should().Be("é😀");
        System.Text.Encoding.UTF8.GetByteCount(slice.Content).Should().Be(6);
    }

    [Fact]
    public void Finish_StartAfterTheEnd_ReturnsNothingButTheCount()
    {
        var slice = Slice("a\nb\n", start: 5);

        slice.Should().Be(new TextSlice(string.Empty, LastLine: 4, TotalLines: 2, CutLine: 0, CutInsideLine: false));
    }
}
