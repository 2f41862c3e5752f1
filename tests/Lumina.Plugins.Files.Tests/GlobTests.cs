namespace Lumina.Plugins.Files.Tests;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*.cs", "a.cs", true)]
    [InlineData("*.cs", "src/deep/a.cs", true)]
    [InlineData("*.cs", "a.csx", false)]
    [InlineData("**/*.cs", "a.cs", true)]
    [InlineData("**/*.cs", "src/deep/a.cs", true)]
    [InlineData("src/*.cs", "src/a.cs", true)]
    [InlineData("src/*.cs", "src/deep/a.cs", false)]
    [InlineData("src/**/*.json", "src/a/b/c.json", true)]
    [InlineData("src/**/*.json", "test/a.json", false)]
    [InlineData("/src/*.cs", "src/a.cs", true)]
    [InlineData("./src/*.cs", "src/a.cs", true)]
    [InlineData("*.{cs,md}", "docs/readme.md", true)]
    [InlineData("*.{cs,md}", "a.txt", false)]
    [InlineData("?.txt", "a.txt", true)]
    [InlineData("?.txt", "ab.txt", false)]
    [InlineData("a+b(1).txt", "a+b(1).txt", true)]
    [InlineData("**/**/**/**/x.txt", "a/b/x.txt", true)]
    [InlineData("**/**/**/**/x.txt", "x.txt", true)]
    public void IsMatch_Pattern_MatchesAsAGlob(string pattern, string path, bool expected) =>
        Glob.Parse(pattern, ignoreCase: false).IsMatch(path).Should().Be(expected);

    [Fact]
    public void IsMatch_IgnoreCase_FollowsTheFlag()
    {
        Glob.Parse("*.CS", ignoreCase: true).IsMatch("a.cs").Should().BeTrue();
        Glob.Parse("*.CS", ignoreCase: false).IsMatch("a.cs").Should().BeFalse();
    }

    [Fact]
    public void IsMatch_PathologicalPattern_StillAnswers()
    {
        // With a backtracking engine this pattern against a long near-miss explodes; the non-backtracking one is linear.
        var glob = Glob.Parse("*a*a*a*a*a*a*a*a*a*a*a*a*b", ignoreCase: false);

        glob.IsMatch(new string('a', 5000)).Should().BeFalse();
    }

    [Fact]
    public void Parse_UnclosedBrace_IsRefused() =>
        ((Action)(() => Glob.Parse("*.{cs,md", ignoreCase: false))).Should().Throw<ArgumentException>().WithMessage("*unclosed*");

    [Fact]
    public void Parse_PatternBeyondTheAutomatonLimit_IsRefusedClearly() =>
        ((Action)(() => Glob.Parse(string.Concat(Enumerable.Repeat("{a,b}*", 20000)), ignoreCase: false)))
            .Should().Throw<ArgumentException>().WithMessage("The glob is too complex*size limit*");
}
