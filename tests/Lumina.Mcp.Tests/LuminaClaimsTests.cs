using System.Security.Claims;
using Lumina.Abstractions;

namespace Lumina.Mcp.Tests;

public sealed class LuminaClaimsTests
{
    [Fact]
    public void Caller_WithSubAndNameIdentifier_IsTheSub()
    {
        var caller = LuminaClaims.Caller(Principal((LuminaClaims.Subject, "subject-1"), (ClaimTypes.NameIdentifier, "name-id-1"), ("name", "ada")));

        caller.Should().NotBeNull();
        caller!.Id.Should().Be("subject-1");
        caller.Name.Should().Be("ada");
        caller.Transport.Should().Be(LuminaTransport.Http);
        caller.IsAuthenticated.Should().BeTrue();
    }

    [Fact]
    public void Caller_WithoutSub_IsTheNameIdentifier_ThenTheName()
    {
        LuminaClaims.Caller(Principal((ClaimTypes.NameIdentifier, "name-id-1"), ("name", "ada")))!.Id.Should().Be("name-id-1");
        LuminaClaims.Caller(Principal(("name", "ada")))!.Id.Should().Be("ada");
    }

    [Fact]
    public void Caller_TakesTheRoleClaim_AndIsAGuestWithoutOne()
    {
        LuminaClaims.Caller(Principal(("sub", "s"), (LuminaClaims.Role, "admin"), (ClaimTypes.Role, "user")))!.Role.Should().Be("admin");
        LuminaClaims.Caller(Principal(("sub", "s"), (ClaimTypes.Role, "user")))!.Role.Should().Be("user");
        LuminaClaims.Caller(Principal(("sub", "s")))!.Role.Should().Be("guest");
    }

    [Fact]
    public void Caller_OfAnUnauthenticatedPrincipal_IsNull()
    {
        LuminaClaims.Caller(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "s")]))).Should().BeNull();
        LuminaClaims.Caller(null).Should().BeNull();
    }

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test", "name", LuminaClaims.Role));
}
