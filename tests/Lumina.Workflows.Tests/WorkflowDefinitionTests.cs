namespace Lumina.Workflows.Tests;

public sealed class WorkflowDefinitionTests
{
    [Fact]
    public void InputSchema_ListsTypesDescriptionsDefaultsAndRequired()
    {
        var workflow = WorkflowLoader.Parse(WorkflowLoaderTests.Rich, "workflows/rich.yaml");

        workflow.InputSchema().GetRawText().Should().Be(
            """{"type":"object","properties":{"folder":{"type":"string","description":"Where to look."},"limit":{"type":"integer","default":3},"verbose":{"type":"boolean"}},"required":["folder","verbose"]}""");
    }

    [Fact]
    public void InputSchema_NoInputs_IsAnEmptyObjectSchema()
    {
        var workflow = WorkflowLoader.Parse("name: n\ndescription: d\nsteps:\n  - id: a\n    call: ask\n", "n.yaml");

        workflow.InputSchema().GetRawText().Should().Be("""{"type":"object","properties":{}}""");
    }
}
