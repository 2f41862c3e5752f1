using Lumina.Host.Cli;

return await LuminaCli.RunAsync(args).ConfigureAwait(false);
