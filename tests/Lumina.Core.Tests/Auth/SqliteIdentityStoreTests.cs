using System.Text;
using Lumina.Core.Auth;
using Lumina.Storage.Sqlite;
using Lumina.Testing;
using Lumina.Testing.Contracts;
using Microsoft.Data.Sqlite;

namespace Lumina.Core.Tests.Auth;

public sealed class SqliteIdentityStoreTests : IdentityStoreContractTests
{
    private readonly string _path = Path.Combine(TestData.NewDirectory(), "auth.db");

    protected override Task<ILuminaIdentityStore> CreateAsync(LuminaAuthOptions options, TimeProvider time) =>
        Task.FromResult<ILuminaIdentityStore>(new SqliteIdentityStore(_path, options, time));

    protected override async Task<string> DumpAsync()
    {
        // Every table's every cell, plus the raw file (and its write-ahead log) for good measure.
        var text = new StringBuilder();
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        foreach (var table in new[] { "users", "api_keys" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) is byte[] bytes ? Convert.ToBase64String(bytes) : reader.GetValue(i)).Append('\n');
                }
            }
        }

        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(_path)!))
        {
            text.Append(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }

        return text.ToString();
    }

    protected override async Task<string> StoredHashAsync(string username)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users WHERE username=$u";
        command.Parameters.AddWithValue("$u", username);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task AStoreMadeBeforeUsersHadIds_KeepsItsUsers_WithTheirNamesAsIds()
    {
        var path = Path.Combine(TestData.NewDirectory(), "auth.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE users(username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);"
                + "INSERT INTO users VALUES('carol', 'user', $h, 0);";
            command.Parameters.AddWithValue("$h", PasswordHasher.Hash(Password, 1_000));
            await command.ExecuteNonQueryAsync();
        }

        var store = new SqliteIdentityStore(path, FastOptions(), Time);
        var added = await store.AddUserAsync("dave", Password, "user");

        (await store.GetUserAsync("carol"))!.Id.Should().Be("carol", "a user from before ids keeps the state keyed by its name");
        (await store.VerifyPasswordAsync("carol", Password))!.Id.Should().Be("carol");
        added.Id.Should().StartWith("dave~");
    }
}
