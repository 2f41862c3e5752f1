using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

/// <summary>A plugin whose functions echo, refuse, fail, wait until cancelled, or call another function, for the audit tests.</summary>
public sealed class AuditProbePlugin
{
    private int _echoes;

    public List<Exception> Thrown { get; } = [];

    public int Echoes => Volatile.Read(ref _echoes);

    public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [KernelFunction("echo"), Description("Returns the text.")]
    public string Echo([Description("Text.")] string text)
    {
        Interlocked.Increment(ref _echoes);
        return text;
    }

    [KernelFunction("deny"), Description("Refuses.")]
    public string Deny() => throw Remember(new LuminaForbiddenException("Forbidden: probes are not for you."));

    [KernelFunction("fail"), Description("Fails, quoting its argument.")]
    public string Fail([Description("A secret.")] string secret) => throw Remember(new InvalidOperationException($"boom {secret}"));

    [KernelFunction("wait"), Description("Waits until cancelled.")]
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Waiting.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [KernelFunction("outer"), Description("Calls echo through the kernel, as a model's tool call would.")]
    public async Task<string> OuterAsync(Kernel kernel, CancellationToken cancellationToken) =>
        (await kernel.InvokeAsync("probe", "echo", new() { ["text"] = "inner" }, cancellationToken)).GetValue<string>()!;

    private Exception Remember(Exception exception)
    {
        Thrown.Add(exception);
        return exception;
    }
}
