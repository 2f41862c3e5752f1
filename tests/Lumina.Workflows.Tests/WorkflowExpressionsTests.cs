using System.Text.Json.Nodes;

namespace Lumina.Workflows.Tests;

public sealed class WorkflowExpressionsTests
{
    private static readonly JsonNode s_context = JsonNode.Parse("""
        {
          "inputs": { "folder": "src", "limit": 2, "tags": ["a", "b"], "empty": "" },
          "steps": {
            "list": {
              "result": { "entries": [ { "path": "a.cs", "size": 10 }, { "path": "b.md", "size": 300 }, { "path": "c.cs", "size": 50 } ] },
              "outputs": { "files": ["a.cs", "b.md", "c.cs"] }
            }
          },
          "item": { "path": "a.cs" },
          "index": 0
        }
        """)!;

    [Fact]
    public void Evaluate_ExactExpression_KeepsTheJsonValue()
    {
        WorkflowExpressions.Evaluate("${{ steps.list.outputs.files }}", s_context)!.ToJsonString().Should().Be("""["a.cs","b.md","c.cs"]""");
        WorkflowExpressions.Evaluate("${{inputs.limit}}", s_context)!.GetValue<long>().Should().Be(2);
        WorkflowExpressions.Evaluate("${{ inputs.nothing }}", s_context).Should().BeNull();
    }

    [Fact]
    public void Evaluate_Interpolated_JoinsTextWithCompactJson()
    {
        WorkflowExpressions.Evaluate("Folder ${{ inputs.folder }} has ${{ length(steps.list.result.entries) }} files: ${{ inputs.tags }}; ${{ inputs.nothing }}.", s_context)!
            .GetValue<string>().Should().Be("""Folder src has 3 files: ["a","b"]; .""");
    }

    [Fact]
    public void Evaluate_NoExpression_IsALiteral()
    {
        WorkflowExpressions.Evaluate("just text with $ and {{ braces }}", s_context)!.GetValue<string>().Should().Be("just text with $ and {{ braces }}");
    }

    [Fact]
    public void Evaluate_NestedPathsFunctionsAndFilters()
    {
        WorkflowExpressions.Evaluate("${{ item.path }}", s_context)!.GetValue<string>().Should().Be("a.cs");
        WorkflowExpressions.Evaluate("${{ join(', ', steps.list.result.entries[?size > `20`].path) }}", s_context)!.GetValue<string>().Should().Be("b.md, c.cs");
        WorkflowExpressions.Evaluate("${{ steps.list.result.entries[?ends_with(path, '.cs')] | length(@) }}", s_context)!.GetValue<long>().Should().Be(2);
        WorkflowExpressions.Evaluate("${{ {first: steps.list.outputs.files[0], n: index} }}", s_context)!.ToJsonString().Should().Be("""{"first":"a.cs","n":0}""");
    }

    [Fact]
    public void Evaluate_ExampleIdioms_SplitAndJoinOnLineBreaks()
    {
        var context = JsonNode.Parse("""{ "result": { "answer": "one\n\ntwo\n" }, "files": [ { "path": "a", "content": "x" }, { "path": "b", "content": "y" } ] }""")!;

        WorkflowExpressions.Evaluate("${{ split(result.answer, `\"\\n\"`)[?length(@) > `0`] }}", context)!.ToJsonString().Should().Be("""["one","two"]""");
        WorkflowExpressions.Evaluate("${{ join(`\"\\n\"`, files[].[path, content][]) }}", context)!.GetValue<string>().Should().Be("a\nx\nb\ny");
    }

    [Fact]
    public void Resolve_Arguments_ResolvesTemplatesAtAnyDepth()
    {
        var value = JsonNode.Parse("""{ "path": "${{ inputs.folder }}/x", "list": ["${{ inputs.limit }}", 3], "flag": true }""");

        WorkflowExpressions.Resolve(value, s_context)!.ToJsonString().Should().Be("""{"path":"src/x","list":[2,3],"flag":true}""");
    }

    [Theory]
    [InlineData("inputs.folder", true)]
    [InlineData("inputs.empty", false)]
    [InlineData("inputs.nothing", false)]
    [InlineData("`0`", true)]
    [InlineData("`[]`", false)]
    [InlineData("`{}`", false)]
    [InlineData("`false`", false)]
    [InlineData("steps.list.result.entries[?size > `1000`]", false)]
    [InlineData("length(inputs.tags) > `1`", true)]
    public void IsTrue_FollowsJmesPathTruthiness(string expression, bool expected) =>
        WorkflowExpressions.IsTrue(expression, s_context).Should().Be(expected);

    [Fact]
    public void References_FoundOnTheSyntaxTree()
    {
        WorkflowExpressions.References("${{ inputs.folder }}/${{ join(',', steps.list.result.entries[?size > inputs.limit].path) }} ${{ steps.list.outputs.files[0] }} ${{ item.path }}")
            .Should().Equal(
                new WorkflowReference(WorkflowReferenceKind.Input, "folder"),
                new WorkflowReference(WorkflowReferenceKind.Step, "list"),
                new WorkflowReference(WorkflowReferenceKind.Input, "limit"));
        WorkflowExpressions.QueryReferences("length(steps.read.result) > `0` && inputs.verbose").Should().Equal(
            new WorkflowReference(WorkflowReferenceKind.Step, "read"),
            new WorkflowReference(WorkflowReferenceKind.Input, "verbose"));
        WorkflowExpressions.QueryReferences("inputs").Should().BeEmpty();
        WorkflowExpressions.References("no expressions").Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_HashInsideTemplate_ClosesAtTheOuterBraces()
    {
        WorkflowExpressions.Parts("a ${{ {x: '}}'} }} b").Should().Equal("{x: '}}'}");
    }

    [Theory]
    [InlineData("${{ steps..x }}")]
    [InlineData("${{ length( }}")]
    [InlineData("${{ no_such_function(@) }}")]
    [InlineData("${{ open")]
    [InlineData("${{   }}")]
    public void Evaluate_Invalid_ThrowsAnExpressionException(string template)
    {
        var act = () => WorkflowExpressions.Evaluate(template, s_context);

        act.Should().Throw<WorkflowExpressionException>();
    }
}
