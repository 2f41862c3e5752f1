namespace Lumina.Bench.Compare;

/// <summary>Where the built servers are, found from the repository root.</summary>
internal sealed class BenchPaths
{
    /// <param name="root">The repository root.</param>
    /// <param name="scratch">A throwaway directory for this run (Lumina's data directory goes in it).</param>
    /// <param name="published">Run Lumina and the bare SDK from their published builds (the default) rather than bin/Release.</param>
    /// <param name="composite">Run them from their self-contained composite builds, as their own executables.</param>
    public BenchPaths(string root, string scratch, bool published = true, bool composite = false)
    {
        Root = root;
        Published = published;
        Composite = composite;
        const string Release = "bin/Release/net10.0";
        LuminaBuiltDll = Path.Combine(root, "src/Lumina.Host", Release, "lumina.dll");
        EchoPluginDirectory = Path.Combine(root, "bench/Lumina.Bench.EchoPlugin", Release);
        BareSdkBuiltDll = Path.Combine(root, "bench/Lumina.Bench.BareSdk", Release, "Lumina.Bench.BareSdk.dll");
        RawAspNetDll = Path.Combine(root, "bench/Lumina.Bench.RawAspNet", Release, "Lumina.Bench.RawAspNet.dll");
        // Written by bench/compare.sh (dotnet publish -p:PublishReadyToRun=true, framework-dependent) unless --as-built;
        // artifacts/ is git-ignored.
        LuminaReadyToRunDll = Path.Combine(root, "bench/artifacts/r2r/lumina/lumina.dll");
        BareSdkReadyToRunDll = Path.Combine(root, "bench/artifacts/r2r/bare/Lumina.Bench.BareSdk.dll");
        // Written by bench/compare.sh --composite (self-contained, -p:PublishReadyToRunComposite=true).
        var compositeLumina = Path.Combine(root, "bench/artifacts/composite/lumina/lumina.dll");
        var compositeBare = Path.Combine(root, "bench/artifacts/composite/bare/Lumina.Bench.BareSdk.dll");
        LuminaDll = composite ? compositeLumina : published ? LuminaReadyToRunDll : LuminaBuiltDll;
        BareSdkDll = composite ? compositeBare : published ? BareSdkReadyToRunDll : BareSdkBuiltDll;
        TypeScriptServer = Path.Combine(root, "bench/typescript/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        NodeLocalhostPreload = Path.Combine(root, "bench/typescript/localhost.mjs");
        LuminaDataDirectory = Path.Combine(scratch, "lumina-data");
        Dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        Node = System.Environment.GetEnvironmentVariable("BENCH_NODE") is { Length: > 0 } node ? node : "node";
    }

    public string Root { get; }

    /// <summary>Whether <see cref="LuminaDll"/> and <see cref="BareSdkDll"/> are the published builds.</summary>
    public bool Published { get; }

    /// <summary>Whether Lumina and the bare SDK are the self-contained composite builds, started as their own executables.</summary>
    public bool Composite { get; }

    /// <summary>Lumina as measured: published, or as built with <c>--as-built</c>, or self-contained with <c>--composite</c>.</summary>
    public string LuminaDll { get; }

    public string LuminaBuiltDll { get; }

    public string BareSdkBuiltDll { get; }

    public string EchoPluginDirectory { get; }

    /// <summary>The bare SDK as measured: built the same way as <see cref="LuminaDll"/>.</summary>
    public string BareSdkDll { get; }

    public string RawAspNetDll { get; }

    public string LuminaReadyToRunDll { get; }

    public string BareSdkReadyToRunDll { get; }

    public string TypeScriptServer { get; }

    public string NodeLocalhostPreload { get; }

    public string LuminaDataDirectory { get; }

    public string Dotnet { get; }

    public string Node { get; }

    /// <summary>
    /// How to start <paramref name="dll"/> (<see cref="LuminaDll"/> or <see cref="BareSdkDll"/>): <c>dotnet</c> with the
    /// dll, or, self-contained, the executable beside it.
    /// </summary>
    public (string FileName, IReadOnlyList<string> Arguments) Launch(string dll) =>
        Composite ? (Path.ChangeExtension(dll, null), []) : (Dotnet, [dll]);

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumina.sln")))
            {
                return dir.FullName;
            }
        }

        throw new BenchFailure("cannot find the repository root (Lumina.sln) above " + AppContext.BaseDirectory + "; pass --root");
    }

    public void Check(bool readyToRun)
    {
        string[] files = [LuminaDll, BareSdkDll, RawAspNetDll, TypeScriptServer, NodeLocalhostPreload, Path.Combine(EchoPluginDirectory, "Lumina.Bench.EchoPlugin.dll")];
        if (Composite)
        {
            files = [.. files, Launch(LuminaDll).FileName, Launch(BareSdkDll).FileName];
        }

        foreach (var file in readyToRun ? [.. files, LuminaReadyToRunDll, BareSdkReadyToRunDll] : files)
        {
            if (!File.Exists(file))
            {
                throw new BenchFailure($"missing {file}: build first (bench/compare.sh publishes Lumina and the bare SDK, builds the rest in Release and runs npm ci)");
            }
        }
    }
}
