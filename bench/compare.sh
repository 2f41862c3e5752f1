#!/usr/bin/env bash
# Lumina side by side with the bare MCP C# SDK, the TypeScript reference server and a raw ASP.NET Core floor.
#   bench/compare.sh            full run (~10–12 min on 2 cores), prints one table, writes bench/results/compare-<date>.md
#   bench/compare.sh --quick    smoke check (~1–2 min)
#   bench/compare.sh --r2r      also a cold-start row for Lumina and the bare SDK published ReadyToRun
#   bench/compare.sh --soak 10m HTTP soak of Lumina alone, RSS every 10 s, flags growth
#   bench/compare.sh --help     every option
# Builds every server in Release and installs the pinned TypeScript server (npm ci) first; everything listens on
# 127.0.0.1 only and is stopped at the end. Not part of test.sh: it runs on demand.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

case " $* " in
  *" -h "*|*" --help "*) ;;
  *)
    echo "building (Release)…" >&2
    for project in src/Lumina.Host bench/Lumina.Bench.EchoPlugin bench/Lumina.Bench.BareSdk bench/Lumina.Bench.RawAspNet bench/Lumina.Bench.Compare; do
      if ! log=$(dotnet build "$root/$project" -c Release -nologo -v q 2>&1); then
        echo "$log" >&2
        exit 1
      fi
    done
    case " $* " in
      *" --r2r "*)
        echo "publishing ReadyToRun (Lumina, bare SDK)…" >&2
        for pair in "src/Lumina.Host:lumina" "bench/Lumina.Bench.BareSdk:bare"; do
          if ! log=$(dotnet publish "$root/${pair%%:*}" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
              -o "$here/artifacts/r2r/${pair##*:}" -nologo -v q 2>&1); then
            echo "$log" >&2
            exit 1
          fi
        done
        ;;
    esac
    echo "npm ci (bench/typescript)…" >&2
    (cd "$here/typescript" && npm ci --no-audit --no-fund --loglevel=error >&2)
    ;;
esac

exec dotnet "$here/Lumina.Bench.Compare/bin/Release/net10.0/Lumina.Bench.Compare.dll" --root "$root" "$@"
