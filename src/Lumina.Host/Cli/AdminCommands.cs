using System.CommandLine;
using System.Globalization;
using System.Text;
using Lumina.Abstractions;
using Lumina.Core;
using Lumina.Core.Auth;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Lumina.Host.Cli;

/// <summary>
/// What <c>lumina users …</c> and <c>lumina keys …</c> (<see cref="UserCommands"/>, <see cref="KeyCommands"/>) share:
/// the identity store the server uses, opened with the server's own configuration (appsettings.json, environment,
/// <c>--Section:Key=value</c>), and their exit codes: 0 done, 1 a usage or identity error (the message says which),
/// 2 a configuration or store error.
/// </summary>
internal static class AdminCommands
{
    /// <summary>The exit code of a usage mistake in these commands.</summary>
    public const int UsageExitCode = 1;

    /// <summary>The work of one command on the identity store: the exit code, or a <see cref="UsageException"/> or <see cref="LuminaIdentityException"/>.</summary>
    public delegate Task<int> StoreCommand(ILuminaIdentityStore store, TextWriter output, TextWriter error, CancellationToken cancellationToken);

    /// <summary>Opens the store, runs <paramref name="command"/> on it and turns its failures into messages and exit codes.</summary>
    public static async Task<int> RunAsync(ParseResult result, string[] configuration, StoreCommand command, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        try
        {
            using var host = BuildHost(configuration);
            var store = host.Services.GetRequiredService<ILuminaIdentityStore>();
            return await command(store, output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is UsageException or LuminaIdentityException)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}").ConfigureAwait(false);
            return UsageExitCode;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync($"lumina: configuration error: {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (LuminaStartupException ex)
        {
            await error.WriteLineAsync($"lumina: cannot open the identity store: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is LuminaException or SqliteException or RedisException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync($"lumina: the identity store failed: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>
    /// Builds the server's services (nothing started) and runs <paramref name="command"/> on them. A configuration or
    /// start-up error exits 2; a <see cref="LuminaException"/> is written as its message and exits with what
    /// <paramref name="exitCode"/> says for it.
    /// </summary>
    public static async Task<int> RunOnServerAsync(
        ParseResult result,
        string[] configuration,
        Func<IServiceProvider, TextWriter, CancellationToken, Task<int>> command,
        Func<LuminaException, int> exitCode,
        CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        try
        {
            using var host = BuildHost(configuration);
            return await command(host.Services, output, cancellationToken).ConfigureAwait(false);
        }
        catch (LuminaException ex)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}").ConfigureAwait(false);
            return exitCode(ex);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync($"lumina: configuration error: {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (LuminaStartupException ex)
        {
            await error.WriteLineAsync($"lumina: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>A time as the tables show it: UTC to the minute.</summary>
    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>Rows under a header, in columns two spaces apart.</summary>
    public static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            text.AppendJoin("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The server's configuration and services, without starting anything.</summary>
    private static IHost BuildHost(string[] configuration)
    {
        var builder = LuminaHosting.CreateBuilder(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddLuminaServer(builder.Configuration);
        return builder.Build();
    }
}
