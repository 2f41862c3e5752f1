namespace Lumina.Core.Auth;

/// <summary>A user: a name, a role, a stable id and (never shown) a password hash.</summary>
/// <param name="Username">The name, lower-case.</param>
/// <param name="Role">One of <see cref="LuminaRoles.All"/>.</param>
/// <param name="Id">
/// What the user's calls are known by (<c>LuminaCaller.Id</c>, which keys memory, conversations, budgets and audit):
/// <c>name~</c> and 12 random hex digits, new each time a user of the name is added, so a removed user's state is never
/// inherited by a later user of the same name, and never equal to a name. A user stored before ids existed keeps the
/// name as its id (and so keeps its memory).
/// </param>
public sealed record LuminaUser(string Username, string Role, DateTimeOffset CreatedAt, string Id)
{
    /// <summary>The tool set the user is bound to (and the user's keys without one of their own); null for none.</summary>
    public string? ToolSet { get; init; }
}
