using System.Text.Json;
using Lumina.Abstractions;
using Lumina.Core.Auth;
using Lumina.Core.ToolSets;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Lumina.Host.Api;

/// <summary>
/// Who the caller is (<c>GET /v1/me</c>) and the administration of users, roles and API keys over HTTP
/// (<c>/v1/admin/…</c>), for the web console: the same identity store and rules as <c>lumina users</c> and
/// <c>lumina keys</c>, behind <see cref="ConsoleAdministration"/>'s gate and ledger.
/// </summary>
/// <remarks>
/// An administrator cannot remove, demote or bind to a tool set their own account (409: another administrator must), and
/// no change may leave the store without an administrator who is bound to no tool set (409). A key's secret is in the
/// answer that creates it, and nowhere else.
/// </remarks>
internal static class ConsoleAdminApi
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static void MapConsoleAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/me", Me);
        var admin = endpoints.MapGroup("/admin");
        admin.MapGet("/users", ListUsersAsync);
        admin.MapPost("/users", AddUserAsync).DisableAntiforgery();
        admin.MapPatch("/users/{name}", UpdateUserAsync).DisableAntiforgery();
        admin.MapDelete("/users/{name}", RemoveUserAsync).DisableAntiforgery();
        admin.MapGet("/roles", (Delegate)Roles);
        admin.MapGet("/keys", ListKeysAsync);
        admin.MapPost("/keys", CreateKeyAsync).DisableAntiforgery();
        admin.MapDelete("/keys/{id}", RevokeKeyAsync).DisableAntiforgery();
    }

    private static IResult Me(HttpContext context, IOptions<LuminaAuthOptions> auth)
    {
        var caller = LuminaHttpApi.Caller(context, auth);
        return Results.Json(
            new MeView(caller.Name, caller.Id, caller.Role, PermissionNames(caller.Role), caller.ToolSet, ConsoleAdministration.IsAdministrator(caller), caller.IsAuthenticated),
            s_json);
    }

    private static Task<IResult> ListUsersAsync(HttpContext context, ILuminaIdentityStore store) =>
        ConsoleAdministration.RunAsync(context, "console_users_list", [], null, async _ =>
        {
            var users = await store.ListUsersAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new { users = users.Select(UserView.Of) }, s_json);
        });

    private static async Task<IResult> AddUserAsync(HttpContext context, ILuminaIdentityStore store, LuminaToolSets toolSets, IOptions<LuminaAuthOptions> auth)
    {
        var (body, error) = await ConsoleBody.ReadAsync(context, "name", "password", "role", "toolSet").ConfigureAwait(false);
        var name = body?.String("name", required: true);
        var role = body?.String("role", required: true);
        var toolSet = body?.String("toolSet");
        // Digested without the password: the ledger never holds it, not even as part of a digest.
        var arguments = new KernelArguments { ["name"] = name, ["role"] = role, ["toolSet"] = toolSet };
        return await ConsoleAdministration.RunAsync(context, "console_users_add", arguments, name is null ? null : $"user {name}", async _ =>
        {
            var password = body?.String("password", required: true);
            if ((error ?? body!.Error) is { } bad)
            {
                return BadRequest(bad);
            }

            if (!LuminaRoles.IsKnown(role))
            {
                return BadRequest($"'role': unknown role '{role}': use one of {string.Join(", ", LuminaRoles.All)}.");
            }

            string username;
            try
            {
                username = IdentityRules.NewUsername(name);
                role = LuminaRoles.Normalize(role);
                IdentityRules.Password(password, username, auth.Value);
            }
            catch (LuminaIdentityException ex)
            {
                return BadRequest(ex.Message);
            }

            if (ToolSetProblem(toolSets, toolSet) is { } problem)
            {
                return problem;
            }

            if (await store.GetUserAsync(username, context.RequestAborted).ConfigureAwait(false) is not null)
            {
                return LuminaHttpApi.Problem(409, "Conflict", IdentityRules.DuplicateUser(username).Message);
            }

            LuminaUser added;
            try
            {
                added = await store.AddUserAsync(username, password!, role, context.RequestAborted).ConfigureAwait(false);
            }
            catch (LuminaIdentityException ex)
            {
                // Added meanwhile (by another administrator or host) is a conflict; anything else the store refused, bad input.
                return await store.GetUserAsync(username, context.RequestAborted).ConfigureAwait(false) is null ? BadRequest(ex.Message) : Conflict(ex.Message);
            }

            if (IdentityRules.ToolSet(toolSet) is { } set)
            {
                added = await store.SetUserToolSetAsync(added.Username, set, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Json(UserView.Of(added), s_json, statusCode: 201);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> UpdateUserAsync(string name, HttpContext context, ILuminaIdentityStore store, LuminaToolSets toolSets)
    {
        var (body, error) = await ConsoleBody.ReadAsync(context, "role", "toolSet").ConfigureAwait(false);
        var role = body?.String("role");
        var toolSet = body?.String("toolSet");
        var arguments = new KernelArguments { ["name"] = name, ["role"] = role, ["toolSet"] = toolSet };
        return await ConsoleAdministration.RunAsync(context, "console_users_update", arguments, $"user {name}", async caller =>
        {
            if ((error ?? body!.Error) is { } bad)
            {
                return BadRequest(bad);
            }

            var changesToolSet = body!.Has("toolSet");
            if (role is null && !changesToolSet)
            {
                return BadRequest("Nothing to change: send 'role' and/or 'toolSet' (\"\" unbinds).");
            }

            if (role is not null && !LuminaRoles.IsKnown(role))
            {
                return BadRequest($"'role': unknown role '{role}': use one of {string.Join(", ", LuminaRoles.All)}.");
            }

            if (changesToolSet && ToolSetProblem(toolSets, toolSet) is { } problem)
            {
                return problem;
            }

            if (await FindUserAsync(store, name, context.RequestAborted).ConfigureAwait(false) is not { } user)
            {
                return UnknownUser(name);
            }

            var newRole = role is null ? user.Role : LuminaRoles.Normalize(role);
            var newSet = changesToolSet ? IdentityRules.ToolSet(toolSet) : user.ToolSet;
            var changed = !string.Equals(newRole, user.Role, StringComparison.Ordinal) || !string.Equals(newSet, user.ToolSet, StringComparison.Ordinal);
            if (changed && IsSelf(caller, user))
            {
                return Conflict($"You cannot change your own role or tool set ({user.Username}): another administrator must, so nobody locks themselves out by mistake.");
            }

            if (changed && IsManager(user) && !IsManager(user with { Role = newRole, ToolSet = newSet })
                && await IsLastManagerAsync(store, user, context.RequestAborted).ConfigureAwait(false))
            {
                return Conflict($"{user.Username} is the last administrator bound to no tool set: make another user one first.");
            }

            if (!string.Equals(newRole, user.Role, StringComparison.Ordinal))
            {
                user = await store.SetRoleAsync(user.Username, newRole, context.RequestAborted).ConfigureAwait(false);
            }

            if (!string.Equals(newSet, user.ToolSet, StringComparison.Ordinal))
            {
                user = await store.SetUserToolSetAsync(user.Username, newSet, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Json(UserView.Of(user), s_json);
        }).ConfigureAwait(false);
    }

    private static Task<IResult> RemoveUserAsync(string name, HttpContext context, ILuminaIdentityStore store) =>
        ConsoleAdministration.RunAsync(context, "console_users_remove", new KernelArguments { ["name"] = name }, $"user {name}", async caller =>
        {
            if (await FindUserAsync(store, name, context.RequestAborted).ConfigureAwait(false) is not { } user)
            {
                return UnknownUser(name);
            }

            if (IsSelf(caller, user))
            {
                return Conflict($"You cannot remove your own account ({user.Username}): another administrator must.");
            }

            if (IsManager(user) && await IsLastManagerAsync(store, user, context.RequestAborted).ConfigureAwait(false))
            {
                return Conflict($"{user.Username} is the last administrator bound to no tool set: make another user one first.");
            }

            try
            {
                await store.RemoveUserAsync(user.Username, context.RequestAborted).ConfigureAwait(false);
            }
            catch (LuminaIdentityException)
            {
                // Removed meanwhile.
                return UnknownUser(name);
            }

            return Results.NoContent();
        });

    private static Task<IResult> Roles(HttpContext context) =>
        ConsoleAdministration.RunAsync(context, "console_roles_list", [], null, _ =>
            Task.FromResult(Results.Json(new { roles = LuminaRoles.All.Select(r => new { name = r, permissions = PermissionNames(r) }) }, s_json)));

    private static Task<IResult> ListKeysAsync(HttpContext context, ILuminaIdentityStore store) =>
        ConsoleAdministration.RunAsync(context, "console_keys_list", [], null, async _ =>
        {
            var keys = await store.ListKeysAsync(context.RequestAborted).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            return Results.Json(new { keys = keys.Select(k => KeyView.Of(k, now)) }, s_json);
        });

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ILuminaIdentityStore store, LuminaToolSets toolSets)
    {
        var (body, error) = await ConsoleBody.ReadAsync(context, "owner", "role", "toolSet", "expiresInDays").ConfigureAwait(false);
        var owner = body?.String("owner", required: true);
        var role = body?.String("role");
        var toolSet = body?.String("toolSet");
        var days = body?.Int("expiresInDays", 1, 36_500);
        var arguments = new KernelArguments { ["owner"] = owner, ["role"] = role, ["toolSet"] = toolSet, ["expiresInDays"] = days };
        return await ConsoleAdministration.RunAsync(context, "console_keys_create", arguments, owner is null ? null : $"user {owner}", async _ =>
        {
            if ((error ?? body!.Error) is { } bad)
            {
                return BadRequest(bad);
            }

            if (role is not null && !LuminaRoles.IsKnown(role))
            {
                return BadRequest($"'role': unknown role '{role}': use one of {string.Join(", ", LuminaRoles.All)}.");
            }

            if (ToolSetProblem(toolSets, toolSet) is { } problem)
            {
                return problem;
            }

            if (await FindUserAsync(store, owner!, context.RequestAborted).ConfigureAwait(false) is not { } user)
            {
                return BadRequest($"'owner': there is no user '{owner}'.");
            }

            var now = DateTimeOffset.UtcNow;
            CreatedApiKey created;
            try
            {
                created = await store.CreateKeyAsync(user.Username, role is null ? null : LuminaRoles.Normalize(role), days is { } d ? now.AddDays(d) : null, context.RequestAborted).ConfigureAwait(false);
            }
            catch (LuminaIdentityException ex)
            {
                return BadRequest(ex.Message);
            }

            var key = IdentityRules.ToolSet(toolSet) is { } set
                ? await store.SetKeyToolSetAsync(created.Key.Id, set, context.RequestAborted).ConfigureAwait(false)
                : created.Key;
            // The only time the secret leaves the store's hands: the store keeps its hash, the ledger not even a digest.
            return Results.Json(new { key = KeyView.Of(key, now), secret = created.Secret }, s_json, statusCode: 201);
        }).ConfigureAwait(false);
    }

    private static Task<IResult> RevokeKeyAsync(string id, HttpContext context, ILuminaIdentityStore store) =>
        ConsoleAdministration.RunAsync(context, "console_keys_revoke", new KernelArguments { ["id"] = id }, $"key {id}", async _ =>
        {
            try
            {
                await store.RevokeKeyAsync(id, context.RequestAborted).ConfigureAwait(false);
                return Results.NoContent();
            }
            catch (LuminaIdentityException ex)
            {
                // No such key (the store's one refusal of a revocation).
                return LuminaHttpApi.Problem(404, "Not found", ex.Message);
            }
        });

    /// <summary>The user named <paramref name="name"/>, or null (also for a name no user can have).</summary>
    internal static async Task<LuminaUser?> FindUserAsync(ILuminaIdentityStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetUserAsync(IdentityRules.Username(name), cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaIdentityException)
        {
            return null;
        }
    }

    /// <summary>A 400 when <paramref name="toolSet"/> is given but names no configured tool set; null when it is fine ("" and "none" unbind).</summary>
    private static IResult? ToolSetProblem(LuminaToolSets toolSets, string? toolSet)
    {
        string? set;
        try
        {
            set = IdentityRules.ToolSet(toolSet);
        }
        catch (LuminaIdentityException ex)
        {
            return BadRequest($"'toolSet': {ex.Message}");
        }

        return set is null || toolSets.Exists(set)
            ? null
            : BadRequest($"'toolSet': there is no tool set '{set}' (Lumina:ToolSets:{set}). Configured: {(toolSets.Names.Count == 0 ? "none" : string.Join(", ", toolSets.Names.Order(StringComparer.Ordinal)))}.");
    }

    private static bool IsSelf(LuminaCaller caller, LuminaUser user) =>
        string.Equals(caller.Id, user.Id, StringComparison.Ordinal)
        || (caller.IsAuthenticated && string.Equals(caller.Name, user.Username, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="user"/> can administer Lumina: the manage permission, and no tool set.</summary>
    private static bool IsManager(LuminaUser user) => LuminaRoles.Grants(user.Role, LuminaPermission.Manage) && user.ToolSet is null;

    private static async Task<bool> IsLastManagerAsync(ILuminaIdentityStore store, LuminaUser user, CancellationToken cancellationToken) =>
        !(await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Any(u => IsManager(u) && !string.Equals(u.Username, user.Username, StringComparison.Ordinal));

    private static IReadOnlyList<string> PermissionNames(string role) =>
        [.. new[] { LuminaPermission.Read, LuminaPermission.Write, LuminaPermission.Execute, LuminaPermission.Manage }.Where(p => LuminaRoles.Grants(role, p)).Select(LuminaRoles.Name)];

    private static IResult BadRequest(string detail) => LuminaHttpApi.Problem(400, "Bad request", detail);

    private static IResult Conflict(string detail) => LuminaHttpApi.Problem(409, "Conflict", detail);

    private static IResult UnknownUser(string name) => LuminaHttpApi.Problem(404, "Not found", $"There is no user '{name}'.");

    /// <summary>The answer of <c>GET /v1/me</c>.</summary>
    private sealed record MeView(string Name, string Id, string Role, IReadOnlyList<string> Permissions, string? ToolSet, bool IsAdmin, bool IsAuthenticated);

    /// <summary>A user as the console shows it (never the password hash).</summary>
    private sealed record UserView(string Name, string Id, string Role, string? ToolSet, DateTimeOffset CreatedAt)
    {
        public static UserView Of(LuminaUser user) => new(user.Username, user.Id, user.Role, user.ToolSet, user.CreatedAt);
    }

    /// <summary>An API key as the console shows it (never the key, nor its hash).</summary>
    private sealed record KeyView(string Id, string Owner, string? Role, string? ToolSet, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked, bool Expired)
    {
        public static KeyView Of(LuminaApiKey key, DateTimeOffset now) => new(key.Id, key.Owner, key.Role, key.ToolSet, key.CreatedAt, key.ExpiresAt, key.Revoked, key.IsExpired(now));
    }
}
