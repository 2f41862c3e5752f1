using System.Text;

namespace Lumina.Plugins.Files;

/// <summary>
/// Keeps a range of lines from text fed to it in pieces, within a byte budget, while counting every line. Nothing
/// outside the budget is held, so a file that is one enormous line costs no more memory than the cap.
/// </summary>
/// <remarks>
/// Lines end at <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c> (as <see cref="StreamReader.ReadLine"/> sees them); the
/// endings are kept as they are, so an edit can quote the text exactly. When the budget runs out inside a line, that
/// line is dropped so the caller can read on from it — unless it is the first line asked for, which then is returned
/// in part: otherwise a line longer than the cap could never be read at all.
/// </remarks>
internal sealed class LineSlicer
{
    private readonly int _startLine;
    private readonly int _endLine;
    private readonly long _maxBytes;
    private readonly StringBuilder _content = new();
    private long _bytes;
    private int _line = 1;
    private int _endings;
    private bool _lineHasText;
    private bool _pendingCarriageReturn;
    private int _lineStart;
    private int _lastLine;
    private int _cutLine;
    private bool _cutInsideLine;

    /// <param name="startLine">The first line to keep (1-based).</param>
    /// <param name="endLine">The last line to keep (inclusive).</param>
    /// <param name="maxBytes">The most UTF-8 bytes to keep.</param>
    public LineSlicer(int startLine, int endLine, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(startLine, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(endLine, startLine);
        _startLine = startLine;
        _endLine = endLine;
        _maxBytes = maxBytes;
        _lastLine = startLine - 1;
    }

    /// <summary>Feeds the next piece of text.</summary>
    public void Add(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (_pendingCarriageReturn)
            {
                _pendingCarriageReturn = false;
                if (c == '\n')
                {
                    Take(c);
                    EndLine();
                    continue;
                }

                EndLine();
            }

            Take(c);
            if (c == '\r')
            {
                // Whether this is "\r\n" or a lone "\r" is known only from the next character.
                _pendingCarriageReturn = true;
            }
            else if (c == '\n')
            {
                EndLine();
            }
        }
    }

    /// <summary>The result, once all the text was fed.</summary>
    public TextSlice Finish()
    {
        if (_pendingCarriageReturn)
        {
            _pendingCarriageReturn = false;
            EndLine();
        }

        var total = _endings;
        if (_lineHasText)
        {
            // The last line has no line ending.
            total++;
            MarkReturned();
        }

        return new TextSlice(_content.ToString(), _lastLine, total, _cutLine, _cutInsideLine);
    }

    private void Take(char c)
    {
        _lineHasText = true;
        if (_line < _startLine || _line > _endLine || _cutLine != 0)
        {
            return;
        }

        var size = Utf8Size(c);
        if (_bytes + size <= _maxBytes)
        {
            _bytes += size;
            _content.Append(c);
            return;
        }

        _cutLine = _line;
        if (_line == _startLine)
        {
            _cutInsideLine = true;
            _lastLine = _line;
        }
        else
        {
            _content.Length = _lineStart;
        }
    }

    private void EndLine()
    {
        _endings++;
        MarkReturned();
        _line++;
        _lineHasText = false;
        _lineStart = _content.Length;
    }

    private void MarkReturned()
    {
        if (_cutLine == 0 && _line >= _startLine && _line <= _endLine)
        {
            _lastLine = _line;
        }
    }

    // A surrogate pair is 4 bytes in UTF-8: all of it is counted on the high half, so a pair is never split.
    private static int Utf8Size(char c) =>
        c < 0x80 ? 1 : c < 0x800 ? 2 : char.IsHighSurrogate(c) ? 4 : char.IsLowSurrogate(c) ? 0 : 3;
}
