using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Lumina.Host.Tests;

/// <summary>A client's user who confirms every destructive call the policy guard asks about (by elicitation).</summary>
internal static class Confirming
{
    /// <summary>The answer "yes" to a confirmation.</summary>
    internal static ElicitResult Yes() => new()
    {
        Action = "accept",
        Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) },
    };

    /// <summary>An elicitation handler that says yes to everything, keeping each question in <paramref name="asked"/>.</summary>
    internal static Func<ElicitRequestParams?, CancellationToken, ValueTask<ElicitResult>> Everything(List<string> asked) => (request, _) =>
    {
        lock (asked)
        {
            asked.Add(request!.Message);
        }

        return ValueTask.FromResult(Yes());
    };
}
