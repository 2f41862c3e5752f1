using Lumina.Host;

return await LuminaProgram.RunAsync(args).ConfigureAwait(false);
