namespace Lumina.Bench.Compare;

/// <summary>Where the built servers are, found from the repository root.</summary>
internal sealed class BenchPaths
{
    public BenchPaths(string root, string scratch)
    {
        Root = root;
        const string Release = "bin/Release/net10.0";
        LuminaDll = Path.Combine(root, "src/Lumina.Host", Release, "lumina.dll");
        EchoPluginDirectory = Path.Combine(root, "bench/Lumina.Bench.EchoPlugin", Release);
        BareSdkDll = Path.Combine(root, "bench/Lumina.Bench.BareSdk", Release, "Lumina.Bench.BareSdk.dll");
        RawAspNetDll = Path.Combine(root, "bench/Lumina.Bench.RawAspNet", Release, "Lumina.Bench.RawAspNet.dll");
        // Written by `bench/compare.sh --r2r` (dotnet publish -p:PublishReadyToRun=true); artifacts/ is git-ignored.
        LuminaReadyToRunDll = Path.Combine(root, "bench/artifacts/r2r/lumina/lumina.dll");
        BareSdkReadyToRunDll = Path.Combine(root, "bench/artifacts/r2r/bare/Lumina.Bench.BareSdk.dll");
        TypeScriptServer = Path.Combine(root, "bench/typescript/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        NodeLocalhostPreload = Path.Combine(root, "bench/typescript/localhost.mjs");
        LuminaDataDirectory = Path.Combine(scratch, "lumina-data");
        Dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        Node = System.Environment.GetEnvironmentVariable("BENCH_NODE") is { Length: > 0 } node ? node : "node";
    }

    public string Root { get; }

    public string LuminaDll { get; }

    public string EchoPluginDirectory { get; }

    public string BareSdkDll { get; }

    public string RawAspNetDll { get; }

    public string LuminaReadyToRunDll { get; }

    public string BareSdkReadyToRunDll { get; }

    public string TypeScriptServer { get; }

    public string NodeLocalhostPreload { get; }

    public string LuminaDataDirectory { get; }

    public string Dotnet { get; }

    public string Node { get; }

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
        foreach (var file in readyToRun ? [.. files, LuminaReadyToRunDll, BareSdkReadyToRunDll] : files)
        {
            if (!File.Exists(file))
            {
                throw new BenchFailure($"missing {file}: build first (bench/compare.sh builds everything in Release and runs npm ci)");
            }
        }
    }
}
