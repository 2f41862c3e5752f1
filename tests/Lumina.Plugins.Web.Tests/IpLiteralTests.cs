namespace Lumina.Plugins.Web.Tests;

public sealed class IpLiteralTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0X7F.0.0.1", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("169.254.43518", "169.254.169.254")]
    [InlineData("0xa9fea9fe", "169.254.169.254")]
    [InlineData("4294967295", "255.255.255.255")]
    [InlineData("1.2.3.4.", "1.2.3.4")]
    [InlineData("[::1]", "::1")]
    [InlineData("[fe80::1%eth0]", "fe80::1")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1")]
    public void Parse_AddressForms_GiveTheAddressASocketWouldUse(string host, string expected)
    {
        IpLiteral.Parse(host)!.ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("1.2.3.example")]
    [InlineData("0x7f.example")]
    public void Parse_Names_AreNotAddresses(string host)
    {
        IpLiteral.Parse(host).Should().BeNull();
    }

    [Theory]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.256")]
    [InlineData("0x100000000")]
    [InlineData("4294967296")]
    [InlineData("08.0.0.1")]
    [InlineData("1..2")]
    [InlineData("example.123")]
    [InlineData("[::1")]
    [InlineData("[1:2:3]")]
    [InlineData("99999999999999999999999")]
    public void Parse_NumericButInvalid_Throws(string host)
    {
        var parse = () => IpLiteral.Parse(host);
        parse.Should().Throw<FormatException>();
    }
}
