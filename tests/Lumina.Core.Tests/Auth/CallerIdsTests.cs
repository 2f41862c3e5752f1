using Lumina.Core.Auth;

namespace Lumina.Core.Tests.Auth;

public sealed class CallerIdsTests
{
    [Theory]
    [InlineData("carol~0a1b2c3d4e5f", "carol", true)]
    [InlineData("carol~0a1b2c3d4e5f", "carol~0a1b2c3d4e5f", true)]
    [InlineData("carol", "carol", true)]
    [InlineData("anonymous", "anonymous", true)]
    [InlineData("carol~0a1b2c3d4e5f", "car", false)]
    [InlineData("carolyn~0a1b2c3d4e5f", "carol", false)]
    [InlineData("carol~0a1b2c3d4e5f", "carol~ffffffffffff", false)]
    [InlineData("carol~0a1b2c3d4e5f", "", false)]
    public void Matches_TheSameIdOrAUsersName(string callerId, string configured, bool matches) =>
        CallerIds.Matches(callerId, configured).Should().Be(matches);
}
