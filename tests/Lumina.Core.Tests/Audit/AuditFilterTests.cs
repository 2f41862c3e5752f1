using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>The audit filter around real kernel invocations: what each call records, refusals included, and who may read the ledger.</summary>
public sealed class AuditFilterTests : AuditFilterTestBase
{
    [Fact]
    public async Task SuccessfulCall_IsRecordedWithCallerFunctionAndArgumentsDigest()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        var arguments = new KernelArguments { ["text"] = "hello secret" };

        using (Push(provider, s_admin))
        {
            (await kernel.InvokeAsync("probe", "echo", arguments)).GetValue<string>().Should().Be("hello secret");
        }

        var record = (await Recent(provider)).Should().ContainSingle().Subject;
        record.Should().Match<AuditRecord>(r => r.Sequence == 1 && r.CallerId == "ada" && r.CallerRole == "admin" && r.Transport == LuminaTransport.Http
            && r.Function == "probe_echo" && r.Outcome == AuditOutcome.Ok && r.ErrorKind == null && r.DurationMs >= 0);
        record.ArgumentsDigest.Should().Be(AuditChain.DigestArguments(new KernelArguments { ["text"] = "hello secret" }));
        JsonSerializer.Serialize(record).Should().NotContain("secret");
    }

    [Fact]
    public async Task InProcessCall_WithoutContext_IsRecordedForTheLocalCaller()
    {
        using var provider = Build();

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        (await Recent(provider)).Should().ContainSingle().Which.Should().Match<AuditRecord>(r => r.CallerId == "local" && r.Transport == LuminaTransport.InProcess);
    }

    [Fact]
    public async Task Failures_AreRecordedByKind_AndTheSameExceptionIsRethrown()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();

        var denied = await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "deny")).Should().ThrowAsync<LuminaException>();
        var failed = await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "fail", new() { ["secret"] = "hunter2" })).Should().ThrowAsync<InvalidOperationException>();

        denied.Which.Should().BeSameAs(_probe.Thrown[0]);
        failed.Which.Should().BeSameAs(_probe.Thrown[1]);
        var records = await Recent(provider);
        records.Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(
            ("probe_deny", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_fail", AuditOutcome.Error, "InvalidOperationException"));
        JsonSerializer.Serialize(records).Should().NotContain("hunter2");
    }

    [Fact]
    public async Task CancelledCall_IsRecordedAsCancelled()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();
        using var cancellation = new CancellationTokenSource();

        var call = kernel.InvokeAsync("probe", "wait", cancellationToken: cancellation.Token);
        await _probe.Waiting.Task;
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        (await Recent(provider)).Should().ContainSingle().Which.Outcome.Should().Be(AuditOutcome.Cancelled);
    }

    [Fact]
    public async Task NestedCalls_MadeByAFunction_AreEachRecorded()
    {
        using var provider = Build();

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "outer");

        (await Recent(provider)).Select(r => r.Function).Should().Equal("probe_echo", "probe_outer");
        (await provider.GetRequiredService<IAuditLedger>().VerifyAsync()).IsIntact.Should().BeTrue();
    }

    [Fact]
    public async Task AuthorizationRefusal_IsRecordedOnce_AndTheCallThatMadeItStillRecordsItsOwnEnd()
    {
        using var provider = Build(new() { ["Lumina:Auth:Permissions:probe.echo"] = "manage" });
        var kernel = provider.GetRequiredService<Kernel>();

        using (Push(provider, s_user))
        {
            await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "echo", new() { ["text"] = "x" })).Should().ThrowAsync<LuminaForbiddenException>();
            await FluentActions.Awaiting(() => kernel.InvokeAsync("probe", "outer")).Should().ThrowAsync<LuminaForbiddenException>();
        }

        (await Recent(provider)).Select(r => (r.Function, r.Outcome, r.ErrorKind)).Should().Equal(
            ("probe_echo", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_echo", AuditOutcome.Denied, "Forbidden:invoke"),
            ("probe_outer", AuditOutcome.Denied, "Forbidden:invoke"));
        (await Recent(provider))[0].ArgumentsDigest.Should().Be(Digest("x"));
    }

    [Fact]
    public async Task Disabled_RecordsNothing()
    {
        using var provider = Build(new() { ["Lumina:Audit:Enabled"] = "false" });

        await provider.GetRequiredService<Kernel>().InvokeAsync("probe", "echo", new() { ["text"] = "x" });

        (await Recent(provider)).Should().BeEmpty();
    }

    [Fact]
    public async Task RecentResource_RefusesNonAdministrators_AndTheRefusalIsRecorded()
    {
        using var provider = Build();
        var kernel = provider.GetRequiredService<Kernel>();

        using (Push(provider, s_guest))
        {
            var refused = await FluentActions.Awaiting(() => kernel.InvokeAsync("audit", "recent")).Should().ThrowAsync<LuminaException>();
            refused.Which.Message.Should().StartWith("Forbidden").And.Contain("needs the 'manage' permission");
        }

        using (Push(provider, s_admin))
        {
            var records = (await kernel.InvokeAsync("audit", "recent")).GetValue<IReadOnlyList<AuditRecord>>()!;
            records.Should().ContainSingle().Which.Should().Match<AuditRecord>(r => r.Function == "audit_recent" && r.Outcome == AuditOutcome.Denied && r.CallerId == "gus");
        }

        (await Recent(provider)).Select(r => (r.CallerId, r.Outcome)).Should().Equal(("gus", AuditOutcome.Denied), ("ada", AuditOutcome.Ok));
    }
}
