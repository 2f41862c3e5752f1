using Lumina.Abstractions;
using Lumina.Providers.Orchestration;
using Lumina.Testing.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Lumina.Providers.Tests;

/// <summary>
/// Issue 13: a provider's error body went verbatim to callers and to the providers report (readable by guests); a
/// provider that echoes the key it was sent leaked it. Now the detail is a short excerpt with credentials removed, and
/// guests see the error's class and status only.
/// </summary>
public sealed class ProviderErrorRedactionTests
{
    private static readonly LuminaCaller s_guest = new("gus", "Gus", "guest", LuminaTransport.Http, IsAuthenticated: true);

    [Theory]
    [InlineData("sk-proj-Zx81QmT4vLr2Pq7Ws9Ye3Uc6")]
    [InlineData("gateway.secret.9f2")]
    public async Task OpenAiRejectionEchoingTheKey_ReachesNoCallerAndNoReport(string key)
    {
        await using var server = new ScriptedOpenAiServer(200);
        server.Enqueue(ScriptedReply.Fail(401, message: $"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."));
        using var services = ProviderHost.Build([ProviderHost.Provider("main", server.Endpoint, 1, ("ApiKey", key))]);
        var kernel = services.GetRequiredService<Kernel>();

        var ask = () => kernel.InvokeAsync("orchestration", "ask", new() { ["message"] = "hello" });
        var error = (await ask.Should().ThrowAsync<LuminaException>()).Which;
        var report = (await kernel.InvokeAsync<ProvidersReport>("providers", "providers"))!;
        ProvidersReport guestReport;
        using (services.GetRequiredService<ILuminaCallContextAccessor>().Push(new LuminaCallContext(s_guest)))
        {
            guestReport = (await kernel.InvokeAsync<ProvidersReport>("providers", "providers"))!;
        }

        server.ReceivedAuthorizations.Should().Contain($"Bearer {key}", "the key was sent, so the echo is real");
        error.Message.Should().Contain("HTTP 401").And.Contain("Incorrect API key provided").And.NotContain(key);
        var health = report.Providers.Single().Health;
        health.LastError.Should().Contain("HTTP 401").And.Contain("[redacted]").And.NotContain(key);
        health.LastErrorKind.Should().Be(ProviderErrorKind.Rejected);
        health.LastErrorStatus.Should().Be(401);
        var guestHealth = guestReport.Providers.Single().Health;
        guestHealth.LastError.Should().BeNull("guests see the class and status only");
        guestHealth.LastErrorKind.Should().Be(ProviderErrorKind.Rejected);
        guestHealth.LastErrorStatus.Should().Be(401);
    }

    [Fact]
    public async Task AnthropicRejectionEchoingTheKey_IsClassifiedWithoutIt()
    {
        const string Key = "sk-ant-api03-QkV7xY2mN9pL4rT8wZ1c";
        await using var anthropic = new ScriptedAnthropicServer();
        anthropic.ReplyError(401, "authentication_error", $"invalid x-api-key: {Key} (Authorization: Bearer {Key})");
        using var services = ProviderHost.Build([new()
        {
            ["Lumina:Providers:claude:Kind"] = "anthropic",
            ["Lumina:Providers:claude:Model"] = "claude-test",
            ["Lumina:Providers:claude:Endpoint"] = anthropic.Endpoint,
            ["Lumina:Providers:claude:ApiKey"] = Key,
        }]);

        var run = () => services.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        var error = (await run.Should().ThrowAsync<ProviderUnavailableException>()).Which;
        error.Message.Should().Contain("HTTP 401").And.Contain("invalid x-api-key").And.NotContain(Key);
        services.GetRequiredService<ProviderRouter>().Providers[0].Health.Snapshot(DateTimeOffset.UtcNow).LastError.Should().NotContain(Key);
    }

    [Theory]
    [InlineData("denied for Bearer abc.def-123_456", "abc.def-123_456")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl is expired", "eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("{\"api_key\": \"hunter2-long-enough\"}", "hunter2")]
    [InlineData("bad key AIzaSyA1b2C3d4E5f6G7h8I9j0", "AIzaSyA1b2C3d4E5f6G7h8I9j0")]
    [InlineData("opaque 0123456789abcdefABCDEF0123456789abcdef rejected", "0123456789abcdefABCDEF0123456789abcdef")]
    public void Redact_RemovesWhatLooksLikeACredential(string text, string secret)
    {
        var redacted = ProviderErrorText.Redact(text, secret: null);

        redacted.Should().NotContain(secret).And.Contain("[redacted]");
    }

    [Fact]
    public void Redact_KeepsPlainWordsAndCapsTheLength()
    {
        ProviderErrorText.Redact("model claude-3-5-sonnet-20241022 not found at https://api.example.com/v1", null)
            .Should().Be("model claude-3-5-sonnet-20241022 not found at https://api.example.com/v1");
        ProviderErrorText.Redact(string.Join(' ', Enumerable.Repeat("word", 500)), null).Length.Should().Be(ProviderErrorText.MaxLength + 1);
    }
}
