using BenchmarkDotNet.Running;

// Run on demand, Release, localhost only:
//   dotnet run -c Release --project bench/Lumina.Benchmarks -- --filter '*'
// Each benchmark class has a baseline measured in the same run; read the Ratio column.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
