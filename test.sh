#!/usr/bin/env bash
# Runs every Lumina test: build (warnings are errors), the unit and end-to-end test projects (with the web console's
# browser tests in headless Chromium), the official MCP
# conformance suite against the real host over HTTP, and the packages and container files (tests/packaging/run.sh).
# Needs the .NET 10 SDK, Node and npm; installs the rest itself
# (NuGet packages; Node 22 and the conformance suite through npm, pinned by tests/conformance/package-lock.json),
# which runs each revision's requirement set (2025-11-25 and 2026-07-28) against a fresh host.
# Ends with one line: "Tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
config=${LUMINA_TEST_CONFIGURATION:-Release}
results=$(mktemp -d)
# From the test projects on, every temporary file (data directories, plugin folders, sandboxes, servers' files: a run
# makes ~500 folders, and not every test removes its own) goes under one folder of this run, removed at exit.
# Traversable by others (0711, like /tmp's own lumina-exec): the exec sandbox runs as another user and binds folders in it.
scratch=$(mktemp -d -t lumina-tests.XXXXXX) && chmod 711 "$scratch"
passed=0
failed=0
host_pid=""

cleanup() {
  if [ -n "$host_pid" ] && kill -0 "$host_pid" 2>/dev/null; then
    kill "$host_pid" 2>/dev/null
    wait "$host_pid" 2>/dev/null
  fi
  rm -rf "$results" "$scratch"
}
trap cleanup EXIT

finish() {
  echo "Tests: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0 || exit 1
}

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The memory tests run against a real redis-server (each test starts its own on a free loopback port).
if ! command -v redis-server > /dev/null 2>&1; then
  echo "== installing redis-server"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server > /dev/null
  # The package may start a system instance; the tests start their own.
  $sudo_cmd service redis-server stop > /dev/null 2>&1 || true
fi
if ! command -v redis-server > /dev/null 2>&1; then
  echo "redis-server is missing and could not be installed"
  failed=$((failed + 1))
  finish
fi

# The exec plugin's sandbox tests run commands inside bubblewrap; the hostile corpus needs the real sandbox.
if ! command -v bwrap > /dev/null 2>&1; then
  echo "== installing bubblewrap"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq bubblewrap > /dev/null
fi
if ! command -v bwrap > /dev/null 2>&1; then
  echo "bubblewrap is missing and could not be installed"
  failed=$((failed + 1))
  finish
fi

# The web console's browser tests drive Debian's Chromium (headless) through Playwright (its own download is not reachable).
if [ ! -x /usr/lib/chromium/chromium ] && ! command -v chromium > /dev/null 2>&1; then
  echo "== installing chromium"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium > /dev/null
fi
if [ ! -x /usr/lib/chromium/chromium ] && ! command -v chromium > /dev/null 2>&1; then
  echo "chromium is missing and could not be installed"
  failed=$((failed + 1))
  finish
fi

# The federation tests serve real upstream MCP servers (the TypeScript reference server), pinned by
# tests/federation/package-lock.json.
echo "== upstream MCP servers for the federation tests (npm ci)"
if ! (cd tests/federation && npm ci --no-audit --no-fund --loglevel=error > /dev/null); then
  echo "npm ci in tests/federation failed"
  failed=$((failed + 1))
  finish
fi

echo "== build ($config)"
if ! dotnet build Lumina.sln -c "$config" -nologo -clp:ErrorsOnly; then
  echo "build failed"
  failed=$((failed + 1))
  finish
fi

echo "== test projects"
export TMPDIR="$scratch"
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "-- $name"
  dotnet test "$project" -c "$config" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- xUnit.ParallelizeTestCollections=true > "$results/$name.log" 2>&1
  code=$?
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
    e=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' error="[0-9]*"' | grep -o '[0-9]*')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
    echo "   passed ${p:-0}, failed ${f:-0}"
  fi
  if [ "$code" -ne 0 ]; then
    grep -E '^\s+(Failed|Error Message:|  )' "$results/$name.log" | head -60
    if [ ! -f "$trx" ] || [ "${f:-0}" -eq 0 ]; then
      echo "   $name did not run cleanly (exit $code)"
      tail -20 "$results/$name.log"
      failed=$((failed + 1))
    fi
  fi
done

plugin_dir="$root/tests/Lumina.Conformance.Plugin/bin/$config/net10.0"
host_dll="$root/src/Lumina.Host/bin/$config/net10.0/lumina.dll"

# Runs the official conformance suite (tests/conformance/run.sh) once against a fresh host, so one run's sessions
# (the suite never deletes them) never count against the next run's quota. One test per scenario: a scenario passes
# when none of its checks fails or warns (the summary hides warnings, so they are read from each checks.json).
# With federated=1, the fixture is served by a second host, over stdio, through the first host's federation
# (Lumina:Servers:fixture, Prefix empty so its names are the fixture's own); the second host serves nothing else.
federated=0
baseline=""
run_conformance() {
  local label=$1
  shift
  local out="$results/conformance-$label" log="$results/conformance-$label.log"
  local data_dir port code serve=() i=0 arg
  data_dir=$(mktemp -d -p "$results")
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  if [ "$federated" = 1 ]; then
    mkdir -p "$data_dir/upstream"
    for arg in "$host_dll" "--Lumina:Plugins:Directories:0=$plugin_dir" "--Lumina:DataDirectory=$data_dir/upstream" \
      "--Lumina:Policy:RateLimit:PermitsPerMinute=0" "--Lumina:Plugins:Disabled:0=files" "--Lumina:Plugins:Disabled:1=time" \
      "--Lumina:Plugins:Disabled:2=system" "--Lumina:Plugins:Disabled:3=memory" "--Lumina:Plugins:Disabled:4=federation"; do
      serve+=("--Lumina:Servers:fixture:Args:$i=$arg")
      i=$((i + 1))
    done
    serve+=("--Lumina:Servers:fixture:Command=dotnet" "--Lumina:Servers:fixture:Prefix=" "--Lumina:Servers:fixture:Start=eager")
  else
    serve=("--Lumina:Plugins:Directories:0=$plugin_dir")
  fi
  # The suite connects without credentials (anonymous HTTP access is off by default); let it in with the execute
  # permission its fixture tools need. Every anonymous connection shares one rate-limit bucket, and the suite
  # measures the protocol, not the policy guard.
  dotnet "$host_dll" --http --urls "http://127.0.0.1:$port" \
    "--Lumina:DataDirectory=$data_dir" "${serve[@]}" \
    "--Lumina:Auth:AnonymousRole=user" "--Lumina:Policy:RateLimit:PermitsPerMinute=0" > "$results/host-$label.log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 || node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  bash tests/conformance/run.sh "http://localhost:$port/mcp" -o "$out" "$@" > "$log" 2>&1
  code=$?
  kill "$host_pid" 2>/dev/null
  wait "$host_pid" 2>/dev/null
  host_pid=""

  local ok=0 bad=0 expected=0 line name mark baselined
  # Scenarios of an --expected-failures baseline the suite found failing as expected (whole, or one of their checks).
  # Scenarios the suite does not score for the revision (extensions') never reach its baseline check: a whole-scenario
  # entry of the baseline file covers them.
  baselined=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n '/^Expected failures (in baseline):/,/^$/p' | sed -n 's/^ *~ \([^:]*\).*/\1/p')
  if [ -n "$baseline" ]; then
    baselined+=$'\n'$(sed -n 's/^ *- \([a-z0-9-]*\) *\(#.*\)\{0,1\}$/\1/p' "$baseline")
  fi
  while IFS= read -r line; do
    mark=${line:0:1}
    name=${line#* }
    name=${name%%:*}
    if grep -qxF "$name" <<< "$baselined"; then
      if [ "$mark" = "✓" ] && ! grep -q "^ *~ $name:" <<< "$(sed 's/\x1b\[[0-9;]*m//g' "$log")"; then
        echo "   ✗ $name passes now: remove it from the baseline"
        bad=$((bad + 1))
      else
        expected=$((expected + 1))
      fi
      continue
    fi
    if [ "$mark" = "✓" ]; then
      local checks
      checks=$(find "$out" -path "*server-$name-*" -name checks.json 2>/dev/null | head -1)
      if [ -n "$checks" ] && grep -qE '"status": *"WARNING"' "$checks"; then
        echo "   ✗ $name: warnings"
        grep -B4 -E '"status": *"WARNING"' "$checks" | grep -E '"id": ' | head -3
        mark="✗"
      fi
    fi
    if [ "$mark" = "✓" ]; then
      ok=$((ok + 1))
    else
      bad=$((bad + 1))
      echo "   $line"
      # The checks that failed, with why (the results directory is removed at the end).
      find "$out" -path "*server-$name-*" -name checks.json 2>/dev/null | head -1 | xargs -r node -e \
        'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) if (c.status === "FAILURE" || c.status === "WARNING") console.log(`     ${c.id}: ${(c.errorMessage || "").slice(0, 300)}`)'
    fi
  done < <(grep -E '^(✓|✗) ' "$log")
  # A run of one scenario prints no list, only its counts: one test, passed when nothing failed or warned.
  if [ $((ok + bad)) -eq 0 ] && grep -qE '^Passed: [0-9]+/[0-9]+, [0-9]+ failed, [0-9]+ warnings' "$log"; then
    if grep -qE '^Passed: [0-9]+/[0-9]+, 0 failed, 0 warnings' "$log"; then
      ok=1
    else
      bad=1
      grep -E '^Passed: ' "$log" | sed "s/^/   ✗ $label: /"
    fi
  fi
  grep -E '^Total:|^Not scored' "$log" | sed 's/^/   /'
  if grep -q 'Stale baseline entries' "$log"; then
    echo "   ✗ the baseline names scenarios that pass now: remove them"
    sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n '/^Stale baseline entries/,/^$/p' | sed 's/^/   /'
    bad=$((bad + 1))
  fi
  if [ "$expected" -gt 0 ]; then
    echo "   $expected scenario(s) fail as the baseline expects, not counted (see the baseline for why)"
  fi
  echo "   conformance $label: passed $ok, failed $bad"
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ $((ok + bad)) -eq 0 ] || { [ "$code" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
    echo "   conformance $label did not run cleanly (exit $code)"
    tail -40 "$log"
    tail -20 "$results/host-$label.log"
    failed=$((failed + 1))
  fi
}

echo "== MCP conformance suite (official, 0.2.0-alpha.12) against the real host over HTTP"
echo "-- what the 2025-11-25 revision requires (sessions, initialize)"
run_conformance 2025-11-25 --requirements 2025-11-25
echo "-- what the 2026-07-28 revision requires (stateless), and its pending and extension scenarios"
run_conformance 2026-07-28 --requirements 2026-07-28
# The 2025-11-25 run also runs (unscored) session lifecycle, SSE polling and JSON Schema 2020-12, and the 2026-07-28
# run its pending scenarios and the tasks extension's: all counted. Together they are every scenario of --suite all but
# the skills extension's (SEP-2640), run here one by one: Lumina declares no skills, so their checks skip, and what
# they prove is that the server says so cleanly.
echo "-- the rest of --suite all: the skills extension (SEP-2640)"
for scenario in sep-2640-skills-directory sep-2640-skills-enumeration sep-2640-skills-manifest; do
  run_conformance "$scenario" --suite all --scenario "$scenario"
done
# Every scenario again with the fixture served by a second Lumina host through federation: tools, prompts, resources,
# completions and the fixture's questions, progress and logs cross two hosts. What still fails is named, with the
# reason, in tests/conformance/federation-baseline.yml (the suite fails the run if a named one passes).
echo "-- 2026-07-28 again, the fixture served through federation by a second host"
federated=1
baseline="$root/tests/conformance/federation-baseline.yml"
run_conformance federated-2026-07-28 --requirements 2026-07-28 --expected-failures "$baseline"
federated=0
baseline=""

# Lumina as people install it: every package packed into a folder feed (reusing the build above), the tool installed
# from it alone and checked through the installed command (MCP over stdio, dnx, a plugin built against the packed
# Lumina.Abstractions, a program on the packed libraries, HTTP with the container's health check); the container files
# linted, and the image built and smoke-tested where a container engine can reach its base images.
echo "== packages and container (tests/packaging/run.sh)"
bash tests/packaging/run.sh 2>&1 | tee "$results/packaging.log"
summary=$(grep -E '^packaging: passed [0-9]+, failed [0-9]+$' "$results/packaging.log" | tail -1)
if [ -n "$summary" ]; then
  p=$(sed -E 's/^packaging: passed ([0-9]+), failed ([0-9]+)$/\1/' <<< "$summary")
  f=$(sed -E 's/^packaging: passed ([0-9]+), failed ([0-9]+)$/\2/' <<< "$summary")
  passed=$((passed + p))
  failed=$((failed + f))
else
  echo "   tests/packaging/run.sh did not finish"
  failed=$((failed + 1))
fi

finish
