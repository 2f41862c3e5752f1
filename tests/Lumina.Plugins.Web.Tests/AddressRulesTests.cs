using System.Net;

namespace Lumina.Plugins.Web.Tests;

public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("8.8.8.8", "Public")]
    [InlineData("93.184.216.34", "Public")]
    [InlineData("2606:4700::1111", "Public")]
    [InlineData("127.0.0.1", "Loopback")]
    [InlineData("127.255.255.254", "Loopback")]
    [InlineData("::1", "Loopback")]
    [InlineData("10.0.0.1", "Private")]
    [InlineData("172.16.0.1", "Private")]
    [InlineData("172.32.0.1", "Public")]
    [InlineData("192.168.0.1", "Private")]
    [InlineData("100.64.0.1", "Private")]
    [InlineData("100.128.0.1", "Public")]
    [InlineData("fd12::1", "Private")]
    [InlineData("169.254.1.1", "LinkLocal")]
    [InlineData("fe80::1", "LinkLocal")]
    [InlineData("169.254.169.254", "Metadata")]
    [InlineData("fd00:ec2::254", "Metadata")]
    [InlineData("168.63.129.16", "Metadata")]
    [InlineData("100.100.100.200", "Metadata")]
    [InlineData("224.0.0.1", "Multicast")]
    [InlineData("ff02::1", "Multicast")]
    [InlineData("0.0.0.0", "Unspecified")]
    [InlineData("0.1.2.3", "Unspecified")]
    [InlineData("::", "Unspecified")]
    [InlineData("255.255.255.255", "Broadcast")]
    [InlineData("240.0.0.1", "Broadcast")]
    [InlineData("192.0.2.1", "Reserved")]
    [InlineData("2001::1", "Reserved")]
    [InlineData("::ffff:127.0.0.1", "Loopback")]
    [InlineData("::ffff:169.254.169.254", "Metadata")]
    [InlineData("::ffff:10.0.0.1", "Private")]
    [InlineData("::127.0.0.1", "Loopback")]
    [InlineData("::ffff:0:127.0.0.1", "Loopback")]
    [InlineData("64:ff9b::127.0.0.1", "Loopback")]
    [InlineData("64:ff9b::8.8.8.8", "Public")]
    [InlineData("2002:7f00:1::1", "Loopback")]
    [InlineData("2002:a9fe:a9fe::1", "Metadata")]
    public void Classify_SpecialPurposeBlocks(string address, string expected)
    {
        AddressRules.Classify(IPAddress.Parse(address)).ToString().Should().Be(expected);
    }
}
