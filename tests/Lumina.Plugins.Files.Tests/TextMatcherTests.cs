using Lumina.Abstractions;

namespace Lumina.Plugins.Files.Tests;

public sealed class TextMatcherTests
{
    [Theory]
    [InlineData("needle", false, false, "a NEEDLE here", true)]
    [InlineData("needle", false, true, "a NEEDLE here", false)]
    [InlineData("a.c", false, false, "abc", false)]
    [InlineData("a.c", true, false, "abc", true)]
    [InlineData(@"^\s*public\s+class", true, true, "  public  class X", true)]
    [InlineData(@"(\w)\1", true, false, "hello", true)]
    [InlineData(@"(\w)\1", true, false, "helo", false)]
    [InlineData(@"foo(?=bar)", true, false, "foobar", true)]
    public void IsMatch_Query_MatchesTextOrRegex(string query, bool isRegex, bool caseSensitive, string line, bool expected) =>
        TextMatcher.Create(query, isRegex, caseSensitive).IsMatch(line).Should().Be(expected);

    [Fact]
    public void Create_InvalidRegex_IsAClearError() =>
        ((Action)(() => TextMatcher.Create("([", isRegex: true, caseSensitive: false))).Should().Throw<LuminaException>().WithMessage("The regular expression is not valid*");

    [Fact]
    public void IsMatch_CatastrophicPattern_AnswersInsteadOfHanging()
    {
        // (a+)+b backtracks exponentially on "aaaa…c"; it needs no backtracking features, so it runs non-backtracking.
        var matcher = TextMatcher.Create("(a+)+b", isRegex: true, caseSensitive: true);

        matcher.IsMatch(new string('a', 5000) + "c").Should().BeFalse();
    }
}
