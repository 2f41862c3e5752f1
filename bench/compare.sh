#!/usr/bin/env bash
# Lumina side by side with the bare MCP C# SDK, the TypeScript reference server and a raw ASP.NET Core floor, Lumina
# as users deploy it (issue 20): published (ReadyToRun, framework-dependent; the bare SDK published the same way), its
# default configuration (audit on), over HTTP with a bearer token from POST /token, HTTP in both protocol eras
# (2025-11-25 with sessions, 2026-07-28 stateless).
#   bench/compare.sh              full run (~12–14 min on 2 cores), prints one table, writes bench/results/compare-<date>.md
#   bench/compare.sh --quick      smoke check (~3 min)
#   bench/compare.sh --as-built   Lumina and the bare SDK from bin/Release instead (with --r2r: plus published cold starts)
#   bench/compare.sh --composite  Lumina and the bare SDK self-contained, one composite ReadyToRun image with the runtime
#   bench/compare.sh --anonymous  Lumina over HTTP without a token (anonymous callers get the role user)
#   bench/compare.sh --soak 10m   HTTP soak of Lumina alone, RSS every 10 s, flags growth
#   bench/compare.sh --help       every option
# Publishes Lumina and the bare SDK to bench/artifacts/r2r (unless --as-built, which builds them in Release), builds
# the rest in Release and installs the pinned TypeScript server (npm ci) first; everything listens on 127.0.0.1 only
# and is stopped at the end. Not part of test.sh: it runs on demand.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

case " $* " in
  *" -h "*|*" --help "*) ;;
  *)
    as_built=false
    r2r=false
    composite=false
    case " $* " in *" --as-built "*) as_built=true ;; esac
    case " $* " in *" --composite "*) composite=true ;; esac
    case " $* " in *" --r2r "*) r2r=true ;; esac
    echo "building (Release)…" >&2
    projects="bench/Lumina.Bench.EchoPlugin bench/Lumina.Bench.RawAspNet bench/Lumina.Bench.Compare"
    if $as_built; then
      projects="src/Lumina.Host bench/Lumina.Bench.BareSdk $projects"
    fi
    for project in $projects; do
      if ! log=$(dotnet build "$root/$project" -c Release -nologo -v q 2>&1); then
        echo "$log" >&2
        exit 1
      fi
    done
    artifacts=""
    if $composite; then
      # The first one restores the runtime and crossgen packs (minutes); the composite compile is ~1 CPU-minute each.
      artifacts=composite what="self-contained, one composite ReadyToRun image with the runtime"
      flags=(--self-contained true -p:PublishReadyToRunComposite=true)
    elif ! $as_built || $r2r; then
      artifacts=r2r what="ReadyToRun, framework-dependent"
      flags=(--self-contained false)
    fi
    if [ -n "$artifacts" ]; then
      echo "publishing $what (Lumina, bare SDK)…" >&2
      # The ReadyToRun compiler's intermediate output (obj/…/linux-x64/R2R) is shared by both kinds of publish and kept
      # when its inputs have not changed, even though the other kind wrote it: a framework-dependent publish after a
      # composite one copied the composite's component stubs, which abort at start. Each publish compiles afresh.
      rm -rf "$root/src/Lumina.Host/obj/Release/net10.0/linux-x64/R2R" "$root/bench/Lumina.Bench.BareSdk/obj/Release/net10.0/linux-x64/R2R"
      for pair in "src/Lumina.Host:lumina" "bench/Lumina.Bench.BareSdk:bare"; do
        if ! log=$(dotnet publish "$root/${pair%%:*}" -c Release -r linux-x64 "${flags[@]}" -p:PublishReadyToRun=true \
            -o "$here/artifacts/$artifacts/${pair##*:}" -nologo -v q 2>&1); then
          echo "$log" >&2
          exit 1
        fi
      done
    fi
    echo "npm ci (bench/typescript)…" >&2
    (cd "$here/typescript" && npm ci --no-audit --no-fund --loglevel=error >&2)
    ;;
esac

exec dotnet "$here/Lumina.Bench.Compare/bin/Release/net10.0/Lumina.Bench.Compare.dll" --root "$root" "$@"
