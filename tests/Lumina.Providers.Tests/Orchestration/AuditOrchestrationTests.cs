using Lumina.Core.Audit;
using Lumina.Testing;
using Lumina.Testing.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests.Orchestration;

/// <summary>The tool calls a model makes inside <c>ask</c> go through the kernel, so each is audited beside the ask itself.</summary>
public sealed class AuditOrchestrationTests : IDisposable
{
    private readonly string _root = TestData.NewDirectory();

    public AuditOrchestrationTests()
    {
        File.WriteAllText(Path.Combine(_root, "motto.txt"), "Lumina lights the way.\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Ask_EachToolCallOfTheModel_IsRecorded_WithItsOutcome()
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(
            ScriptedReply.Call("files_read", """{"path":"motto.txt"}"""),
            ScriptedReply.Call("files_read", """{"path":"../../etc/passwd"}"""),
            ScriptedReply.Answer("The motto is: Lumina lights the way."));
        using var services = ProviderHost.Build([ProviderHost.Provider("main", server.Endpoint), new() { ["Lumina:Files:Roots:0"] = _root }]);

        await services.GetRequiredService<Kernel>().InvokeAsync("orchestration", "ask", new() { ["message"] = "What is the motto?" });

        var ledger = services.GetRequiredService<IAuditLedger>();
        var records = await ledger.ReadRecentAsync(10);
        records.Select(r => (r.Function, r.Outcome)).Should().Equal(
            ("files_read", AuditOutcome.Ok),
            ("files_read", AuditOutcome.Error),
            ("ask", AuditOutcome.Ok));
        records[0].ArgumentsDigest.Should().NotBe(records[1].ArgumentsDigest);
        (await ledger.VerifyAsync()).Should().Match<AuditVerification>(v => v.IsIntact && v.Count == 3);
    }
}
