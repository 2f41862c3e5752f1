using Lumina.Core.Auth;

namespace Lumina.Core.Tests.Auth;

public sealed class PasswordHasherTests
{
    private const int Fast = 1_000;

    [Fact]
    public void Hash_Default_StoresOwaspIterationCountWithTheHash()
    {
        var hash = PasswordHasher.Hash("correct horse battery", new LuminaAuthOptions().PasswordIterations);

        hash.Should().StartWith("pbkdf2-sha256$600000$");
        PasswordHasher.Iterations(hash).Should().Be(600_000);
        PasswordHasher.Verify("correct horse battery", hash).Should().BeTrue();
    }

    [Fact]
    public void Hash_SamePasswordTwice_UsesDifferentSalts()
    {
        var first = PasswordHasher.Hash("correct horse battery", Fast);
        var second = PasswordHasher.Hash("correct horse battery", Fast);

        first.Should().NotBe(second);
        first.Split('$')[2].Should().NotBe(second.Split('$')[2]);
        PasswordHasher.Verify("correct horse battery", first).Should().BeTrue();
        PasswordHasher.Verify("correct horse battery", second).Should().BeTrue();
    }

    [Theory]
    [InlineData("correct horse batterY")]
    [InlineData("")]
    [InlineData("correct horse battery ")]
    public void Verify_WrongPassword_Fails(string attempt) =>
        PasswordHasher.Verify(attempt, PasswordHasher.Hash("correct horse battery", Fast)).Should().BeFalse();

    [Fact]
    public void Verify_TamperedHash_Fails()
    {
        var parts = PasswordHasher.Hash("correct horse battery", Fast).Split('$');
        string Tamper(int index, string value)
        {
            var copy = (string[])parts.Clone();
            copy[index] = value;
            return string.Join('$', copy);
        }

        var hashBytes = Convert.FromBase64String(parts[3]);
        hashBytes[0] ^= 1;
        var saltBytes = Convert.FromBase64String(parts[2]);
        saltBytes[^1] ^= 0x80;

        PasswordHasher.Verify("correct horse battery", Tamper(3, Convert.ToBase64String(hashBytes))).Should().BeFalse("a flipped hash bit");
        PasswordHasher.Verify("correct horse battery", Tamper(2, Convert.ToBase64String(saltBytes))).Should().BeFalse("a flipped salt bit");
        PasswordHasher.Verify("correct horse battery", Tamper(1, "999")).Should().BeFalse("a changed iteration count");
        PasswordHasher.Verify("correct horse battery", Tamper(1, "0")).Should().BeFalse("no iterations");
        PasswordHasher.Verify("correct horse battery", Tamper(0, "md5")).Should().BeFalse("another scheme");
        PasswordHasher.Verify("correct horse battery", Tamper(3, "not base64!")).Should().BeFalse("garbage");
        PasswordHasher.Verify("correct horse battery", string.Join('$', parts[..3])).Should().BeFalse("a missing part");
        PasswordHasher.Verify("correct horse battery", string.Empty).Should().BeFalse("nothing");
    }
}
