using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Lumina.Bench.Compare;

/// <summary>
/// Lumina's sign-in as a deployment does it: a user added with the real CLI (<c>lumina users add NAME --role user
/// --password-stdin</c>) in the server's data directory before it starts, then an access token from its
/// <c>POST /token</c> (the OAuth password grant) once it listens.
/// </summary>
internal sealed class BearerToken
{
    /// <summary>The benchmark's user: role <c>user</c>, as anonymous callers get with <c>--anonymous</c>.</summary>
    public const string UserName = "bench";

    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Adds the user to the data directory named by the server's environment (before the server starts).</summary>
    public async Task AddUserAsync(ServerSpec spec, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(spec.FileName, [.. spec.Arguments, "users", "add", UserName, "--role", "user", "--password-stdin"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new BenchFailure($"{spec.Name}: users add did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteLineAsync(_password.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new BenchFailure($"{spec.Name}: users add {UserName} exited with {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }

    /// <summary>The access token <c>POST /token</c> issues for the user.</summary>
    public async Task<string> RequestAsync(ServerSpec spec, int port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = UserName,
            ["password"] = _password,
        });
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/token"), form, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailure($"{spec.Name}: POST /token answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value
            ? value
            : throw new BenchFailure($"{spec.Name}: POST /token gave no access_token: {text[..Math.Min(300, text.Length)]}");
    }
}
