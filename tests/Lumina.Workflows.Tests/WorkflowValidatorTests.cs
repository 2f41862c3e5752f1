namespace Lumina.Workflows.Tests;

public sealed class WorkflowValidatorTests
{
    private static IEnumerable<string> Errors(string yaml) =>
        WorkflowValidator.Validate(WorkflowLoader.Parse(yaml, "workflows/w.yaml"), TestCatalog.Create()).Select(e => e.ToString());

    [Fact]
    public void Validate_UnknownFunction_SuggestsTheClosestTool()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: summarize
                call: text_summarise
                with: { text: hi }
            """).Should().Equal("workflows/w.yaml:5: step 'summarize': unknown function 'text_summarise' (did you mean 'text_summarize'?)");
    }

    [Fact]
    public void Validate_UnknownFunctionFarFromAny_HasNoSuggestion()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: a
                call: launch_rockets
            """).Should().Equal("workflows/w.yaml:5: step 'a': unknown function 'launch_rockets'");
    }

    [Fact]
    public void Validate_Arguments_UnknownMissingAndMistyped()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: write
                call: files_write
                with:
                  paht: a.txt
                  overwrite: "yes"
              - id: read
                call: files_read
                with:
                  path: [a, b]
                  startLine: ${{ `2` }}
              - id: ask
                call: ask
                with:
                  message: hi
                  maxSteps: "${{ `2` }} steps"
            """).Should().Equal(
            "workflows/w.yaml:5: step 'write': 'files_write' needs the argument 'path'",
            "workflows/w.yaml:5: step 'write': 'files_write' needs the argument 'content'",
            "workflows/w.yaml:7: step 'write': 'files_write' has no argument 'paht' (did you mean 'path'?); it takes path, content, overwrite",
            "workflows/w.yaml:8: step 'write': argument 'overwrite' of 'files_write' is string, not boolean",
            "workflows/w.yaml:12: step 'read': argument 'path' of 'files_read' is array, not string",
            "workflows/w.yaml:18: step 'ask': argument 'maxSteps' of 'ask' is string, not integer");
    }

    [Fact]
    public void Validate_LiteralTypes_IntegerFitsNumberAndTypeLists()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: a
                call: memory_remember
                with: { text: hi, tags: [x] }
              - id: b
                call: memory_remember
                with: { text: hi, tags: null }
            """).Should().BeEmpty();
    }

    [Fact]
    public void Validate_References_UnknownInputsAndStepsNotBefore()
    {
        Errors("""
            name: w
            description: d
            inputs:
              folder: string
            steps:
              - id: first
                call: ask
                with:
                  message: ${{ inputs.foldr }} ${{ steps.later.result }} ${{ steps.nowhere.result }}
              - id: later
                when: steps.later.result
                call: ask
                with: { message: hi }
            """).Should().Equal(
            "workflows/w.yaml:9: step 'first': argument 'message': unknown input 'foldr' (did you mean 'folder'?)",
            "workflows/w.yaml:9: step 'first': argument 'message': reads step 'later', but it does not run before this one",
            "workflows/w.yaml:9: step 'first': argument 'message': unknown step 'nowhere'",
            "workflows/w.yaml:11: step 'later': when: reads step 'later', but its own result is read only in its outputs");
    }

    [Fact]
    public void Validate_ParallelBranches_CannotReadSiblings()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: start
                call: ask
                with: { message: go }
              - id: fan
                parallel:
                  - - id: left
                      call: ask
                      with: { message: "${{ steps.start.result.answer }}" }
                    - id: left_more
                      call: ask
                      with: { message: "${{ steps.left.result.answer }}" }
                  - - id: right
                      call: ask
                      with: { message: "${{ steps.left.result.answer }}" }
              - id: after
                call: ask
                with: { message: "${{ steps.left_more.result.answer }} ${{ steps.right.result.answer }}" }
            """).Should().Equal(
            "workflows/w.yaml:17: step 'right': argument 'message': reads step 'left', but it does not run before this one");
    }

    [Fact]
    public void Validate_FallbackCycle_IsReported()
    {
        Errors("""
            name: w
            description: d
            steps:
              - id: a
                call: ask
                with: { message: hi }
                on_error: b
              - id: b
                call: ask
                with: { message: "${{ steps.a.result }}" }
              - id: c
                call: ask
                with: { message: hi }
                on_error: d
              - id: d
                call: ask
                with: { message: hi }
                on_error: c
              - id: e
                call: ask
                with: { message: hi }
                on_error: e
              - id: f
                call: ask
                with: { message: hi }
                on_error: nowhere
            """).Should().Equal(
            "workflows/w.yaml:4: step 'a': a cycle through fallbacks: a -> b -> a",
            "workflows/w.yaml:11: step 'c': a cycle through fallbacks: c -> d -> c",
            "workflows/w.yaml:22: step 'e': a step cannot be its own fallback",
            "workflows/w.yaml:26: step 'f': 'on_error' is fail, continue or a step id; there is no step 'nowhere'");
    }

    [Fact]
    public void Validate_WorkflowCallingItself_IsACycle()
    {
        Errors("""
            name: other
            description: d
            steps:
              - id: again
                call: workflow_other
            """).Should().Equal("workflows/w.yaml:5: step 'again': the workflow calls itself ('workflow_other'): a cycle");
    }

    [Fact]
    public void Validate_Limits_AreChecked()
    {
        Errors("""
            name: w
            description: d
            inputs:
              items: array
            steps:
              - id: a
                foreach: inputs.items
                concurrency: 0
                call: ask
                with: { message: "${{ item }}" }
                retry:
                  attempts: 11
                  backoff: { initial: 5s, max: 1s, multiplier: 0.5 }
                timeout: -1s
              - id: b
                call: ask
                with: { message: hi }
                retry: { attempts: 0 }
                timeout: 0s
            """).Should().Equal(
            "workflows/w.yaml:8: step 'a': 'concurrency' must be at least 1, not 0",
            "workflows/w.yaml:12: step 'a': 'retry.attempts' must be 1 to 10, not 11",
            "workflows/w.yaml:12: step 'a': 'retry.backoff.max' must not be shorter than 'retry.backoff.initial'",
            "workflows/w.yaml:12: step 'a': 'retry.backoff.multiplier' must be at least 1",
            "workflows/w.yaml:14: step 'a': 'timeout' must be positive",
            "workflows/w.yaml:18: step 'b': 'retry.attempts' must be 1 to 10, not 0",
            "workflows/w.yaml:19: step 'b': 'timeout' must be positive");
    }

    [Fact]
    public void Validate_BadJmesPath_NamesTheLine()
    {
        var errors = WorkflowValidator.Validate(WorkflowLoader.Parse("""
            name: w
            description: d
            steps:
              - id: a
                when: length(
                call: ask
                with:
                  message: "${{ steps..x }}"
              - id: b
                call: ask
                with: { message: "${{ unclosed" }
            outputs:
              out: ${{ }}
            """, "workflows/w.yaml"), TestCatalog.Create());

        errors.Select(e => (e.Line, e.Step)).Should().Equal((5, "a"), (8, "a"), (11, "b"), (13, null));
        errors[0].Message.Should().StartWith("when: 'length(' is not valid JMESPath");
        errors[1].Message.Should().StartWith("argument 'message': 'steps..x' is not valid JMESPath");
        errors[2].Message.Should().Be("argument 'message': '${{' at character 1 is not closed with '}}'.");
        errors[3].Message.Should().Be("output 'out': '${{ }}' at character 1 is empty.");
    }

    [Fact]
    public void ThrowIfInvalid_SeveralErrors_ReportsThemAllAtOnce()
    {
        var workflow = WorkflowLoader.Parse("""
            name: w
            description: d
            steps:
              - id: a
                call: files_raed
              - id: b
                call: ask
                with: { message: "${{ inputs.missing }}", temperature: 1 }
            """, "workflows/w.yaml");

        var act = () => WorkflowValidator.ThrowIfInvalid(workflow, TestCatalog.Create());

        var e = act.Should().Throw<WorkflowValidationException>().Which;
        e.Errors.Should().HaveCount(3);
        e.Message.Split(Environment.NewLine).Should().Equal(
            "workflows/w.yaml:5: step 'a': unknown function 'files_raed' (did you mean 'files_read'?)",
            "workflows/w.yaml:8: step 'b': argument 'message': unknown input 'missing'",
            "workflows/w.yaml:8: step 'b': 'ask' has no argument 'temperature'; it takes message, maxSteps");
    }

    [Fact]
    public void Validate_CallingAnotherWorkflow_UsesItsInputSchema()
    {
        var other = WorkflowLoader.Parse("""
            name: summarize_topic
            description: d
            inputs:
              topic: string
            steps:
              - id: a
                call: ask
                with: { message: "${{ inputs.topic }}" }
            """, "other.yaml");
        var caller = WorkflowLoader.Parse("""
            name: caller
            description: d
            steps:
              - id: a
                call: workflow_summarize_topic
                with: { subject: x }
            """, "caller.yaml");

        WorkflowValidator.Validate(caller, TestCatalog.Create().With([other])).Select(e => e.ToString()).Should().Equal(
            "caller.yaml:5: step 'a': 'workflow_summarize_topic' needs the argument 'topic'",
            "caller.yaml:6: step 'a': 'workflow_summarize_topic' has no argument 'subject'; it takes topic");
    }
}
