#!/usr/bin/env bash
# Lumina as people install it: packs every package (the `Lumina` tool, which is also an MCP server package, and the
# libraries) into a temporary folder feed, installs the tool into a temporary tool path from that feed alone, and checks
# through the INSTALLED command: --version, an MCP stdio session (handshake, tools/list with the prompt and workflow
# tools that travel in the package, a tool call), dnx, a plugin built against the PACKED Lumina.Abstractions and loaded
# by the installed tool, and HTTP with the container's health check. Then the container files: linted always, the image
# built and smoke-tested when a container engine can reach its base images.
#
#   tests/packaging/run.sh [version]       (default: the repository's version, so the packs reuse a build test.sh made;
#                                           every NuGet folder the checks write to is temporary, so no cache keeps a
#                                           package of an earlier run under the same version)
#
# Prints one line per check and ends with "packaging: passed N, failed M"; exits 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
here="$root/tests/packaging"
started=$SECONDS

base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
version=${1:-$base}

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# unzip reads the packages; the rest (dotnet, node, npm) test.sh needs anyway.
if ! command -v unzip > /dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq unzip > /dev/null
fi
tmp=$(mktemp -d)
feed="$tmp/feed"
host_pid=""
cleanup() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2> /dev/null; then
    kill "$host_pid" 2> /dev/null || true
    wait "$host_pid" 2> /dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
failed=0
pass() {
  echo "   ✓ $1"
  passed=$((passed + 1))
}
fail() {
  echo "   ✗ $1"
  failed=$((failed + 1))
}
# check <description> <command...>: one check, passed when the command succeeds; its output is shown when it fails.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    pass "$name"
  else
    fail "$name"
    printf '%s\n' "$out" | tail -15 | sed 's/^/     /'
  fi
}
# json <file> <expression over s>: the session summary mcp-session.mjs printed satisfies the expression.
json() {
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (!new Function("s", `return (${process.argv[2]});`)(s)) { console.log(JSON.stringify(s).slice(0, 800)); process.exit(1); }' "$1" "$2"
}
finish() {
  echo "   ($((SECONDS - started)) s)"
  echo "packaging: passed $passed, failed $failed"
  if [ "$failed" -eq 0 ]; then exit 0; else exit 1; fi
}

# The feed alone for Lumina's packages (source mapping: nothing named Lumina* comes from anywhere else), the ordinary
# registry for their dependencies, and a packages folder of our own so nothing of this run stays behind; the user's
# packages folder is read (never written) as a fallback, so dependencies already there are not downloaded again.
user_packages=$(dotnet nuget locals global-packages -l | sed 's/^global-packages: *//')
fallback="<add key=\"user\" value=\"$user_packages\" />"
# A Lumina package of this version already in the user's folder (installed by hand from some feed) would be taken
# instead of the one just packed: then nothing is read from there.
if compgen -G "${user_packages%/}/lumina*/$version" > /dev/null; then
  echo "   (the user's NuGet folder holds a Lumina package $version: not used as a fallback, dependencies are downloaded)"
  fallback=""
fi
upstream=$(dotnet nuget list source --format short 2> /dev/null | awk '$1 ~ /^E/ { print $2; exit }')
upstream=${upstream:-https://api.nuget.org/v3/index.json}
mkdir -p "$feed" "$tmp/packages"
cat > "$tmp/nuget.config" << EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="lumina-feed" value="$feed" />
    <add key="upstream" value="$upstream" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="lumina-feed">
      <package pattern="Lumina" />
      <package pattern="Lumina.*" />
    </packageSource>
    <packageSource key="upstream">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
  <fallbackPackageFolders>
    $fallback
  </fallbackPackageFolders>
</configuration>
EOF

echo "-- pack $version"
# Every project under src/ in one build (a solution filter of Lumina.sln), into the folder feed.
{
  printf '{ "solution": { "path": "%s", "projects": [' "$root/Lumina.sln"
  first=1
  for project in src/*/*.csproj; do
    [ $first = 1 ] || printf ','
    first=0
    printf '"%s"' "${project//\//\\\\}"
  done
  printf '] } }\n'
} > "$tmp/packages.slnf"
if ! dotnet pack "$tmp/packages.slnf" -c Release -o "$feed" "-p:Version=$version" -nologo -clp:ErrorsOnly > "$tmp/pack.log" 2>&1; then
  fail "dotnet pack"
  tail -30 "$tmp/pack.log" | sed 's/^/     /'
  finish
fi
pass "dotnet pack: $(find "$feed" -name '*.nupkg' | wc -l) packages in $((SECONDS - started)) s"

# A file of a package, read whole (never piped into grep -q: under pipefail, unzip killed by a closed pipe is a failure).
nupkg() { unzip -p "$feed/$1.$version.nupkg" "$2"; }
expected=(Lumina Lumina.Abstractions Lumina.Core Lumina.Federation Lumina.Mcp Lumina.Providers Lumina.Storage.Redis Lumina.Storage.Sqlite Lumina.Workflows)
check "the feed holds exactly the nine packages of src/" \
  diff <(printf '%s\n' "${expected[@]/%/.$version.nupkg}" | sort) <(cd "$feed" && ls -1 | sort)
readme_and_license() {
  local id spec readme
  for id in "${expected[@]}"; do
    spec=$(nupkg "$id" "$id.nuspec")
    readme=$(nupkg "$id" README.md) || { echo "$id: no README.md"; return 1; }
    grep -q '<readme>README.md</readme>' <<< "$spec" || { echo "$id: no readme in the nuspec"; return 1; }
    grep -q "^# $id\$" <<< "$readme" || { echo "$id: README.md is not its own"; return 1; }
    grep -q '<license type="expression">MIT</license>' <<< "$spec" || { echo "$id: no license"; return 1; }
  done
}
check "every package carries its README and license" readme_and_license
tool_package() {
  local spec
  spec=$(nupkg Lumina Lumina.nuspec)
  grep -q '<packageType name="DotnetTool" />' <<< "$spec" && grep -q '<packageType name="McpServer" />' <<< "$spec" || { echo "package types: $spec"; return 1; }
  files=$(unzip -Z1 "$feed/Lumina.$version.nupkg")
  grep -qx 'tools/net10.0/any/lumina.dll' <<< "$files" || { echo "no tools/net10.0/any/lumina.dll"; return 1; }
}
check "Lumina is a DotnetTool and an McpServer package" tool_package
server_json() {
  nupkg Lumina .mcp/server.json > "$tmp/server.json" || { echo "no .mcp/server.json in the package"; return 1; }
  node "$here/check-server-json.mjs" "$tmp/server.json" "$version"
}
check ".mcp/server.json: registry shape, this version, stdio and --http transports, real settings" server_json
library_content() {
  grep -q 'include="any/any/prompts/text/summarize/skprompt.txt" buildAction="Content" copyToOutput="true"' <<< "$(nupkg Lumina.Core Lumina.Core.nuspec)" || { echo "Lumina.Core: prompts are not content copied to the output"; return 1; }
  grep -q 'include="any/any/workflows/triage.yaml" buildAction="Content" copyToOutput="true"' <<< "$(nupkg Lumina.Workflows Lumina.Workflows.nuspec)" || { echo "Lumina.Workflows: example workflows are not content copied to the output"; return 1; }
}
check "Lumina.Core and Lumina.Workflows bring the prompts and example workflows to a program's output" library_content

echo "-- the installed tool"
export NUGET_PACKAGES="$tmp/packages"
tools="$tmp/tools"
if ! dotnet tool install Lumina --version "$version" --tool-path "$tools" --configfile "$tmp/nuget.config" > "$tmp/install.log" 2>&1; then
  fail "dotnet tool install Lumina --tool-path (from the feed)"
  tail -20 "$tmp/install.log" | sed 's/^/     /'
  finish
fi
pass "dotnet tool install Lumina --tool-path (from the feed)"
lumina="$tools/lumina"
data="$tmp/data"
mkdir -p "$data"
check "lumina --version prints lumina $version" bash -c '[ "$("$1" --version)" = "lumina $2" ]' _ "$lumina" "$version"

session="$tmp/session.json"
if node "$here/mcp-session.mjs" --call time_now '{"timeZone":"UTC"}' -- "$lumina" "--Lumina:DataDirectory=$data" > "$session" 2> "$tmp/session.err"; then
  pass "MCP stdio session with the installed lumina (initialize, initialized, tools/list)"
  check "stdout carries only MCP messages" json "$session" 's.nonJsonStdout.length === 0'
  check "the server reports version $version" json "$session" "s.serverInfo.version === '$version'"
  check "time_now answers through the installed tool" json "$session" "!s.calls[0].isError && s.calls[0].structuredContent?.timeZone === 'UTC'"
  check "the packaged prompts are found (text_summarize as a prompt and a tool)" json "$session" "s.prompts.includes('text_summarize') && s.tools.includes('text_summarize')"
  check "the packaged example workflows are found (workflow_* tools)" json "$session" "s.tools.filter((t) => t.startsWith('workflow_')).length >= 3"
  check "the built-in plugins are served (files, time, system, memory, web)" json "$session" "['files_read', 'time_now', 'system_describe', 'memory_recall', 'web_fetch'].every((t) => s.tools.includes(t))"
else
  fail "MCP stdio session with the installed lumina"
  tail -20 "$tmp/session.err" | sed 's/^/     /'
fi

dnx_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
if [ -x "$dnx_dir/dnx" ]; then
  check "dnx Lumina@$version runs it without installing" \
    bash -c '[ "$("$1" "Lumina@$2" --yes --configfile "$3" -- --version 2>/dev/null | tail -1)" = "lumina $2" ]' _ "$dnx_dir/dnx" "$version" "$tmp/nuget.config"
else
  fail "dnx not found beside $(command -v dotnet) (the .NET 10 SDK ships it)"
fi

echo "-- a plugin built against the packed Lumina.Abstractions"
plugin="$tmp/plugin"
mkdir -p "$plugin"
cat > "$plugin/PackCheck.csproj" << EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <!-- The host brings Lumina.Abstractions and Semantic Kernel: the plugin's folder holds only its own assembly. -->
    <PackageReference Include="Lumina.Abstractions" Version="$version" ExcludeAssets="runtime" />
  </ItemGroup>
</Project>
EOF
cat > "$plugin/PackCheckPlugin.cs" << 'EOF'
using System.ComponentModel;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace PackCheck;

[LuminaPlugin("packcheck", Description = "Built against the packed Lumina.Abstractions.")]
public sealed class PackCheckPlugin(ILuminaCallContextAccessor context)
{
    [KernelFunction("echo"), Description("Echoes a word with the caller's name.")]
    [LuminaTool(ReadOnly = true)]
    public string Echo([Description("The word.")] string word) => $"packcheck:{word}:{context.Current.Caller.Name}";
}
EOF
if (cd "$plugin" && dotnet restore --configfile "$tmp/nuget.config" > "$tmp/plugin.log" 2>&1 &&
  dotnet build -c Release --no-restore -nologo -clp:ErrorsOnly >> "$tmp/plugin.log" 2>&1); then
  pass "the plugin restores Lumina.Abstractions $version from the feed and builds"
  plugin_bin="$plugin/bin/Release/net10.0"
  check "the plugin's folder holds only its own assembly" bash -c '[ "$(cd "$1" && ls *.dll)" = "PackCheck.dll" ]' _ "$plugin_bin"
  if node "$here/mcp-session.mjs" --call packcheck_echo '{"word":"hello"}' -- "$lumina" "--Lumina:DataDirectory=$data" "--Lumina:Plugins:Directories:0=$plugin_bin" > "$tmp/plugin.json" 2> "$tmp/plugin.err"; then
    check "the installed lumina loads the plugin and serves packcheck_echo" json "$tmp/plugin.json" "s.tools.includes('packcheck_echo')"
    check "packcheck_echo answers through the installed tool" json "$tmp/plugin.json" "!s.calls[0].isError && s.calls[0].text.startsWith('packcheck:hello:')"
  else
    fail "MCP session with the plugin folder"
    tail -20 "$tmp/plugin.err" | sed 's/^/     /'
  fi
else
  fail "the plugin restores Lumina.Abstractions $version from the feed and builds"
  tail -20 "$tmp/plugin.log" | sed 's/^/     /'
fi

echo "-- a .NET program on the packed host libraries (AddLumina)"
program="$tmp/program"
mkdir -p "$program"
cat > "$program/PackProgram.csproj" << EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Lumina.Core" Version="$version" />
    <PackageReference Include="Lumina.Storage.Sqlite" Version="$version" />
    <PackageReference Include="Lumina.Workflows" Version="$version" />
  </ItemGroup>
</Project>
EOF
cat > "$program/Program.cs" << 'EOF'
using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["Lumina:DataDirectory"] = args[0] })
    .Build();
var services = new ServiceCollection();
services.AddLogging();
services.AddLumina(configuration).AddSqliteStores().AddWorkflows(configuration).AddPlugin<Greeter>();
await using var provider = services.BuildServiceProvider();
var kernel = provider.GetRequiredService<Kernel>();
Console.WriteLine("plugins: " + string.Join(" ", kernel.Plugins.Select(p => p.Name).Order()));
Console.WriteLine("greeting: " + await kernel.InvokeAsync<string>("greeter", "greet", new() { ["name"] = "packaging" }));

/// <summary>A plugin of the program's own.</summary>
public sealed class Greeter
{
    [KernelFunction("greet"), Description("Greets someone.")]
    public string Greet(string name) => $"hello {name}";
}
EOF
if (cd "$program" && dotnet restore --configfile "$tmp/nuget.config" > "$tmp/program.log" 2>&1 &&
  dotnet build -c Release --no-restore -nologo -clp:ErrorsOnly -o "$program/out" >> "$tmp/program.log" 2>&1); then
  pass "a program restores Lumina.Core, Lumina.Storage.Sqlite and Lumina.Workflows $version from the feed and builds"
  check "the packages' prompts and example workflows are copied to the program's output" \
    test -f "$program/out/prompts/text/summarize/skprompt.txt" -a -f "$program/out/workflows/triage.yaml"
  mkdir -p "$tmp/program-data"
  if dotnet "$program/out/PackProgram.dll" "$tmp/program-data" > "$tmp/program.out" 2> "$tmp/program.err"; then
    check "AddLumina's kernel serves the packaged prompts (text) and workflows, and the program's own plugin" \
      bash -c 'grep -q "^plugins: .*\btext\b" "$1" && grep -q "^plugins: .*\bworkflows\b" "$1" && grep -qx "greeting: hello packaging" "$1"' _ "$tmp/program.out"
  else
    fail "the program runs"
    tail -15 "$tmp/program.err" | sed 's/^/     /'
  fi
else
  fail "a program restores Lumina.Core, Lumina.Storage.Sqlite and Lumina.Workflows $version from the feed and builds"
  tail -20 "$tmp/program.log" | sed 's/^/     /'
fi

echo "-- HTTP, with the container's health check"
# The container files' checker (and the health check read from the Dockerfile) needs its YAML parser first.
checker=1
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error > "$tmp/npm.log" 2>&1) || checker=0
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$lumina" --http --urls "http://127.0.0.1:$port" "--Lumina:DataDirectory=$data" > "$tmp/http.log" 2>&1 &
host_pid=$!
# The Dockerfile's HEALTHCHECK command, run as the container runs it, against the installed tool on this port.
health=$(node "$here/check-container-files.mjs" --healthcheck "$root/Dockerfile" | sed "s/8080/$port/g") || health="false"
healthy=0
for _ in $(seq 1 120); do
  if bash -c "$health" > /dev/null 2>&1; then
    healthy=1
    break
  fi
  kill -0 "$host_pid" 2> /dev/null || break
  sleep 0.5
done
if [ "$healthy" = 1 ]; then
  pass "lumina --http answers the Dockerfile's HEALTHCHECK command on /healthz"
else
  fail "lumina --http answers the Dockerfile's HEALTHCHECK command on /healthz"
  tail -15 "$tmp/http.log" | sed 's/^/     /'
fi
check "a Host header outside Lumina:Http:AllowedHosts is refused (403)" node -e '
  require("http").get({ host: "127.0.0.1", port: process.argv[1], path: "/healthz", headers: { Host: "rebind.example" } },
    (r) => { console.log(r.statusCode); process.exit(r.statusCode === 403 ? 0 : 1); }).on("error", (e) => { console.log(e.message); process.exit(1); });' "$port"
# The web console travels in the tool: its page, its script and the chart library the build copied beside it.
check "the installed tool serves the web console (/console, its script and Chart.js)" node -e '
  const get = (path) => new Promise((ok, no) => require("http").get({ host: "127.0.0.1", port: process.argv[1], path },
    (r) => { let body = ""; r.on("data", (d) => body += d); r.on("end", () => ok({ status: r.statusCode, body, csp: r.headers["content-security-policy"] })); }).on("error", no));
  (async () => {
    const page = await get("/console/"), app = await get("/console/app.js"), chart = await get("/console/lib/chart.umd.min.js");
    console.log(page.status, app.status, chart.status);
    process.exit(page.status === 200 && /script-src .self./.test(page.csp ?? "") && app.status === 200 && chart.status === 200 && chart.body.length > 10000 ? 0 : 1);
  })().catch((e) => { console.log(e.message); process.exit(1); });' "$port"
kill "$host_pid" 2> /dev/null || true
wait "$host_pid" 2> /dev/null || true
host_pid=""

echo "-- container files"
# Always: the Dockerfile, .dockerignore, compose.yaml and the collector's configuration, parsed and checked.
if [ "$checker" = 0 ]; then
  fail "npm ci in tests/packaging (the YAML parser)"
  tail -10 "$tmp/npm.log" | sed 's/^/     /'
else
  while IFS= read -r line; do
    case "$line" in
      "ok "*) pass "${line#ok }" ;;
      "not ok "*) fail "${line#not ok }" ;;
      *) echo "     $line" ;;
    esac
  done < <(node "$here/check-container-files.mjs" "$root" || echo "not ok check-container-files.mjs did not finish")
fi
# The image itself, when an engine can build it here.
bash "$here/container.sh" "$version" > "$tmp/container.log" 2>&1 || true
while IFS= read -r line; do
  case "$line" in
    "ok "*) pass "${line#ok }" ;;
    "not ok "*) fail "${line#not ok }" ;;
    *) echo "   $line" ;;
  esac
done < "$tmp/container.log"

finish
