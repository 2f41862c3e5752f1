namespace Lumina.Workflows.Tests;

public sealed class WorkflowLoaderTests
{
    internal const string Rich = """
        name: rich
        description: Every kind of step.
        inputs:
          folder:
            type: string
            description: Where to look.
          limit:
            type: integer
            default: 3
          verbose: boolean
        steps:
          - id: list
            call: files_list
            with:
              path: ${{ inputs.folder }}
              recursive: true
            outputs:
              files: ${{ result.entries[].path }}
          - id: read
            foreach: steps.list.outputs.files
            concurrency: 4
            call: files_read
            with:
              path: ${{ item }}
              startLine: 1
            retry:
              attempts: 3
              backoff: { initial: 500ms, multiplier: 3, max: 10s }
              on: [timeout, unavailable]
            timeout: 30s
            on_error: continue
          - id: both
            when: inputs.verbose
            parallel:
              - - id: summarize
                  call: text_summarize
                  with:
                    text: "Files: ${{ join(', ', steps.list.outputs.files) }}"
                  on_error: plain
              - - id: ask_model
                  call: ask
                  with:
                    message: How many? ${{ length(steps.read.result) }}
          - id: plain
            call: text_summarize
            with:
              text: fallback
          - id: write
            confirm: Write ${{ inputs.folder }}/summary.md?
            call: files_write
            with:
              path: ${{ inputs.folder }}/summary.md
              content: ${{ steps.summarize.result }}
              overwrite: true
        outputs:
          summary: ${{ steps.summarize.result }}
        """;

    [Fact]
    public void Parse_RichWorkflow_ReadsEveryKindOfStep()
    {
        var workflow = WorkflowLoader.Parse(Rich, "workflows/rich.yaml");

        workflow.Name.Should().Be("rich");
        workflow.ToolName.Should().Be("workflow_rich");
        workflow.SourceFile.Should().Be("workflows/rich.yaml");
        workflow.Inputs.Keys.Should().Equal("folder", "limit", "verbose");
        workflow.Inputs["folder"].Should().BeEquivalentTo(new { Type = "string", Description = "Where to look.", Required = true, Line = 4 });
        workflow.Inputs["limit"].Required.Should().BeFalse();
        workflow.Inputs["limit"].Default!.GetValue<long>().Should().Be(3);
        workflow.Inputs["verbose"].Type.Should().Be("boolean");
        workflow.Steps.Select(s => s.Id).Should().Equal("list", "read", "both", "plain", "write");
        workflow.AllSteps().Select(s => s.Id).Should().Equal("list", "read", "both", "summarize", "ask_model", "plain", "write");

        var list = workflow.Steps[0];
        list.Line.Should().Be(12);
        list.Call.Should().Be("files_list");
        list.With["path"].Value!.GetValue<string>().Should().Be("${{ inputs.folder }}");
        list.With["path"].Line.Should().Be(15);
        list.With["recursive"].Value!.GetValue<bool>().Should().BeTrue();
        list.With["recursive"].IsLiteral.Should().BeTrue();
        list.Outputs["files"].Should().Be(new WorkflowExpression("${{ result.entries[].path }}", 18, IsTemplate: true));

        var read = workflow.Steps[1];
        read.ForEach.Should().Be(new WorkflowExpression("steps.list.outputs.files", 20, IsTemplate: false));
        read.Concurrency.Should().Be(4);
        read.With["startLine"].Value!.GetValue<long>().Should().Be(1);
        read.Retry!.Attempts.Should().Be(3);
        read.Retry.Backoff.Should().Be(new WorkflowBackoff(TimeSpan.FromMilliseconds(500), 3, TimeSpan.FromSeconds(10)));
        read.Retry.On.Should().BeEquivalentTo([WorkflowErrorKind.Timeout, WorkflowErrorKind.Unavailable]);
        read.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        read.OnError.Should().Be(WorkflowOnError.Continue);

        var both = workflow.Steps[2];
        both.IsParallel.Should().BeTrue();
        both.Call.Should().BeNull();
        both.When!.Text.Should().Be("inputs.verbose");
        both.Parallel.Should().HaveCount(2);
        both.Parallel[0][0].OnError.Should().Be(WorkflowOnError.Fallback);
        both.Parallel[0][0].Fallback.Should().Be("plain");
        both.Parallel[1][0].Id.Should().Be("ask_model");

        var write = workflow.Steps[4];
        write.Confirm!.Value!.GetValue<string>().Should().Be("Write ${{ inputs.folder }}/summary.md?");
        write.OnError.Should().Be(WorkflowOnError.Fail);
        workflow.Outputs["summary"].Text.Should().Be("${{ steps.summarize.result }}");
    }

    [Fact]
    public void Parse_RichWorkflow_IsValid()
    {
        var workflow = WorkflowLoader.Parse(Rich, "workflows/rich.yaml");

        WorkflowValidator.Validate(workflow, TestCatalog.Create()).Should().BeEmpty();
    }

    [Fact]
    public void Parse_Shorthands_RetryCountAndWhenInBraces()
    {
        var workflow = WorkflowLoader.Parse("""
            name: short
            description: Shorthands.
            steps:
              - id: a
                when: ${{ `true` }}
                call: ask
                with: { message: hi }
                retry: 2
                timeout: 1.5
            """, "s.yaml");

        var step = workflow.Steps[0];
        step.When!.Text.Should().Be("`true`");
        step.Retry!.Attempts.Should().Be(2);
        step.Retry.On.Should().Equal(WorkflowErrorKind.Any);
        step.Retry.Backoff.Should().Be(WorkflowBackoff.Default);
        step.Timeout.Should().Be(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Parse_QuotedScalars_StayStrings()
    {
        var workflow = WorkflowLoader.Parse("""
            name: quoted
            description: Quoting.
            steps:
              - id: a
                call: ask
                with: { message: "true", maxSteps: '3', extra: [1, 2.5, null, yes] }
            """, "q.yaml");

        var with = workflow.Steps[0].With;
        with["message"].Value!.GetValue<string>().Should().Be("true");
        with["maxSteps"].Value!.GetValue<string>().Should().Be("3");
        with["extra"].Value!.ToJsonString().Should().Be("""[1,2.5,null,"yes"]""");
    }

    [Fact]
    public void Parse_UnknownKeys_AreErrorsWithSuggestions()
    {
        var act = () => WorkflowLoader.Parse("""
            name: typos
            description: Typos.
            setps: []
            steps:
              - id: a
                call: ask
                on_eror: continue
                with: { message: hi }
            """, "workflows/typos.yaml");

        act.Should().Throw<WorkflowValidationException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "workflows/typos.yaml:3: unknown key 'setps' (did you mean 'steps'?)",
            "workflows/typos.yaml:7: step 'a': unknown key 'on_eror' (did you mean 'on_error'?)");
    }

    [Fact]
    public void Parse_BadNames_AreErrors()
    {
        var act = () => WorkflowLoader.Parse("""
            name: Review-Changes
            description: Bad names.
            steps:
              - id: Read File
                call: files_read
              - id: twice
                call: ask
              - id: twice
                call: ask
              - call: ask
            """, "w.yaml");

        act.Should().Throw<WorkflowValidationException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "w.yaml:1: the workflow name 'Review-Changes' must be lower-case letters, digits and underscores (it becomes the tool 'workflow_Review-Changes')",
            "w.yaml:4: step 'Read File': a step id must be lower-case letters, digits and underscores",
            "w.yaml:8: step 'twice': another step has the same id",
            "w.yaml:10: the step has no 'id'");
    }

    [Fact]
    public void Parse_ShapeErrors_AreAllReported()
    {
        var act = () => WorkflowLoader.Parse("""
            name: shapes
            steps:
              - id: a
                call: ask
                parallel: []
              - id: b
              - id: c
                call: ask
                concurrency: 2
                timeout: soon
                retry: { attempts: many, on: [sometimes] }
              - id: d
                parallel:
                  - - id: e
                      call: ask
                with: { x: 1 }
            inputs:
              n: { type: int }
            """, "w.yaml");

        act.Should().Throw<WorkflowValidationException>().Which.Errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "w.yaml:1: 'description' is missing",
            "w.yaml:3: step 'a': a step has either 'call' or 'parallel', not both",
            "w.yaml:5: step 'a': 'parallel' must be a list of branches, each a list of steps",
            "w.yaml:6: step 'b': the step has neither 'call' nor 'parallel'",
            "w.yaml:9: step 'c': 'concurrency' applies only to a step with 'foreach'",
            "w.yaml:10: step 'c': expected a duration such as 500ms, 30s, 5m or 1h",
            "w.yaml:11: step 'c': expected a whole number",
            "w.yaml:11: step 'c': unknown error kind 'sometimes' in 'retry.on'; use timeout, unavailable or any",
            "w.yaml:16: step 'd': 'with' belongs on the steps inside a parallel block, not on the block",
            "w.yaml:18: unknown input type 'int' (did you mean 'integer'?); use one of string, integer, number, boolean, object, array");
    }

    [Fact]
    public void Parse_InvalidYaml_NamesTheLine()
    {
        var act = () => WorkflowLoader.Parse("name: x\ndescription: d\n- a\n", "bad.yaml");

        var error = act.Should().Throw<WorkflowValidationException>().Which.Errors.Should().ContainSingle().Which;
        error.File.Should().Be("bad.yaml");
        error.Line.Should().Be(3);
        error.Message.Should().StartWith("not valid YAML:");
    }

    [Fact]
    public void Parse_UnclosedFlowList_IsAnErrorAtTheEnd()
    {
        var act = () => WorkflowLoader.Parse("name: x\ndescription: [unclosed\nsteps: []", "bad.yaml");

        act.Should().Throw<WorkflowValidationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Match<WorkflowError>(e => e.Line == 3 && e.Message.StartsWith("not valid YAML: the file ends inside", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DefaultOfTheWrongType_IsAnError()
    {
        var act = () => WorkflowLoader.Parse("""
            name: defaults
            description: Defaults.
            inputs:
              n: { type: integer, default: many }
            steps:
              - id: a
                call: ask
                with: { message: hi }
            """, "d.yaml");

        act.Should().Throw<WorkflowValidationException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "d.yaml:4: the default of input 'n' is string, not integer");
    }

    [Fact]
    public void Load_File_NamesThePathInErrors()
    {
        var path = Path.Combine(Lumina.Testing.TestData.NewDirectory(), "broken.yaml");
        File.WriteAllText(path, "name: broken\ndescription: x\nsteps:\n  - id: a\n    call: ask\n    wiht: {}\n");

        var act = () => WorkflowLoader.Load(path);

        act.Should().Throw<WorkflowValidationException>().WithMessage($"{path}:6: step 'a': unknown key 'wiht' (did you mean 'with'?)");
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("2", 2)]
    public void ParseDuration_Units_AreRead(string text, double seconds) =>
        WorkflowLoader.ParseDuration(text).Should().Be(TimeSpan.FromSeconds(seconds));
}
