using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Audit;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Tests.Audit;

public sealed class AuditChainTests
{
    [Fact]
    public void DigestArguments_IgnoresOrderOfNamesAndKeys_ButNotValues()
    {
        var one = new KernelArguments { ["b"] = "2", ["a"] = JsonSerializer.Deserialize<JsonElement>("""{"y":[1,2],"x":"é\n"}""") };
        var two = new KernelArguments { ["a"] = JsonSerializer.Deserialize<JsonElement>("""{"x":"é\n","y":[1,2]}"""), ["b"] = "2" };
        var three = new KernelArguments { ["a"] = JsonSerializer.Deserialize<JsonElement>("""{"x":"é\n","y":[2,1]}"""), ["b"] = "2" };

        AuditChain.DigestArguments(one).Should().Be(AuditChain.DigestArguments(two)).And.MatchRegex("^[0-9a-f]{64}$");
        AuditChain.DigestArguments(three).Should().NotBe(AuditChain.DigestArguments(one));
        AuditChain.DigestArguments(new KernelArguments { ["b"] = "3", ["a"] = one["a"] }).Should().NotBe(AuditChain.DigestArguments(one));
    }

    [Fact]
    public void DigestArguments_OfNoArguments_IsTheDigestOfAnEmptyObject()
    {
        AuditChain.DigestArguments(null).Should().Be(AuditChain.DigestArguments([]))
            .And.Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}"u8)));
    }

    [Fact]
    public void DigestArguments_OfClrValues_MatchesTheSameValuesAsJson()
    {
        var clr = new KernelArguments { ["limit"] = 5, ["tags"] = new[] { "a", "b" }, ["flag"] = true, ["none"] = null };
        var json = new KernelArguments
        {
            ["limit"] = JsonSerializer.Deserialize<JsonElement>("5"),
            ["tags"] = JsonSerializer.Deserialize<JsonElement>("""["a","b"]"""),
            ["flag"] = JsonSerializer.Deserialize<JsonElement>("true"),
            ["none"] = null,
        };

        AuditChain.DigestArguments(clr).Should().Be(AuditChain.DigestArguments(json));
    }

    [Fact]
    public void Hash_CoversEveryField()
    {
        var record = AuditChain.Seal(
            new AuditEntry(DateTimeOffset.UnixEpoch, "ada", "admin", LuminaTransport.Http, "files_read", new string('b', 64), AuditOutcome.Ok, null, 3),
            new AuditHead(41, new string('c', 64)));

        record.Sequence.Should().Be(42);
        AuditChain.ComputeHash(record).Should().Be(record.Hash);
        AuditRecord[] changed =
        [
            record with { Sequence = 43 }, record with { Time = record.Time.AddMilliseconds(1) }, record with { CallerId = "bob" },
            record with { CallerRole = "user" }, record with { Transport = LuminaTransport.Stdio }, record with { Function = "files_write" },
            record with { ArgumentsDigest = new string('d', 64) }, record with { Outcome = AuditOutcome.Denied }, record with { ErrorKind = "x" },
            record with { DurationMs = 4 }, record with { PreviousHash = new string('e', 64) },
        ];
        changed.Select(AuditChain.ComputeHash).Should().NotContain(record.Hash).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Canonical_EscapesQuotesAndControlCharacters()
    {
        var record = AuditChain.Seal(
            new AuditEntry(DateTimeOffset.UnixEpoch, "a\"b\\c\u0001", "user", LuminaTransport.InProcess, "f", "d", AuditOutcome.Error, "KernelException", 0),
            new AuditHead(0, AuditChain.GenesisHash));

        AuditChain.Canonical(record).Should().Be(
            """{"v":1,"seq":1,"time":0,"caller":"a\"b\\c\u0001","role":"user","transport":"InProcess","function":"f","args":"d","outcome":"Error","error":"KernelException","durationMs":0}""");
    }
}
