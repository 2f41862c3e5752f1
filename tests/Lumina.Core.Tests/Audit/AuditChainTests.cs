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
            record with { DurationMs = 4 }, record with { PreviousHash = new string('e', 64) }, record with { Context = "workflow wr_1/a" },
        ];
        changed.Select(AuditChain.ComputeHash).Should().NotContain(record.Hash).And.OnlyHaveUniqueItems();
    }

    /// <summary>
    /// Pinned hashes: a ledger written by an earlier build must verify on this one, so the canonical forms may never change
    /// (these values were computed by the first implementation, which built each form as a .NET string).
    /// </summary>
    [Fact]
    public void Hashes_AreThoseOfTheFirstCanonicalForm()
    {
        AuditChain.Seal(
            new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(1763900000123), "ada \"é\" 🙂\u0001", "admin", LuminaTransport.Http, "files_read", new string('b', 64), AuditOutcome.Error, "IOException", 17),
            new AuditHead(41, new string('c', 64))).Hash.Should().Be("ac38f57a8a3e31e83b11c7e690d0025410b67de175f604ce30cbfffa84d33d9a");
        AuditChain.Seal(
            new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(5), "local", "admin", LuminaTransport.Stdio, "echo_echo", new string('0', 64), AuditOutcome.Ok, null, 0),
            new AuditHead(0, AuditChain.GenesisHash)).Hash.Should().Be("a0ed770bf9c4fe6cc3d8a262159de69cabd8cb24a5a0afd90ff7023da071e861");

        // A lone surrogate is hashed as UTF-8's replacement character, as .NET's encoder writes it.
        AuditChain.Seal(
            new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(5), "x\udc00", "admin", LuminaTransport.Stdio, "f", "d", AuditOutcome.Ok, null, 0),
            new AuditHead(0, AuditChain.GenesisHash)).Hash.Should().Be("47c1a779247c63b7cf002f9beb74b091c271abeb61ed07ea9f153027c2bc0320");
    }

    [Fact]
    public void Context_IsInTheCanonicalFormOnlyWhenPresent()
    {
        var entry = new AuditEntry(DateTimeOffset.UnixEpoch, "ada", "user", LuminaTransport.Stdio, "files_read", "d", AuditOutcome.Ok, null, 1);
        var plain = AuditChain.Seal(entry, new AuditHead(0, AuditChain.GenesisHash));
        var withContext = AuditChain.Seal(entry with { Context = "workflow wr_1/read#2" }, new AuditHead(0, AuditChain.GenesisHash));

        AuditChain.Canonical(plain).Should().NotContain("context").And.EndWith("\"durationMs\":1}");
        AuditChain.Canonical(withContext).Should().EndWith("\"durationMs\":1,\"context\":\"workflow wr_1/read#2\"}");
        withContext.Hash.Should().NotBe(plain.Hash);
    }

    /// <summary>Pinned digests, for the same reason: every kind of value the filter meets, in a fixed canonical form.</summary>
    [Fact]
    public void Digests_AreThoseOfTheFirstCanonicalForm()
    {
        var arguments = new KernelArguments
        {
            ["text"] = "héllo \"w\"\n🙂\u001f",
            ["limit"] = 5,
            ["ratio"] = 2.50,
            ["tags"] = new[] { "b", "a" },
            ["flag"] = true,
            ["none"] = null,
            ["obj"] = JsonSerializer.Deserialize<JsonElement>("""{"z":1,"a":{"y":[1.0,2e3,"x"],"b":null},"é":false}"""),
            ["when"] = new DateTime(2026, 11, 23, 1, 2, 3, DateTimeKind.Utc),
        };

        AuditChain.DigestArguments(arguments).Should().Be("914352de5e34b1d7c8d965b0210ea827fe3fcd6c25169f7a5c689cf2f0ae3fe7");
        AuditChain.DigestArguments(new KernelArguments { ["message"] = "hello" }).Should().Be("9b2d43affbf49a367028df2e1414f84c0e099ac98c3d54a8a80157fd7771af25");
        AuditChain.DigestArguments(new KernelArguments { ["s"] = "a\ud800b" }).Should().Be("831e2ffe20d5ec81d65bb674545ecad8eb14892a421787b7d9588084a3e038c7");
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
