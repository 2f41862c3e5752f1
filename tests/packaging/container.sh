#!/usr/bin/env bash
# Builds the image from the Dockerfile and smoke-tests it, when a container engine works here (podman, or docker with a
# reachable daemon) and can get the base images; otherwise says in one line why the image was not built. Prints
# "ok <check>" / "not ok <check>" lines (run.sh counts them) and other lines as information.
#
#   tests/packaging/container.sh <version>
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${1:?usage: container.sh <version>}

engine=""
for candidate in podman docker; do
  if command -v "$candidate" > /dev/null 2>&1 && timeout 30 "$candidate" info > /dev/null 2>&1; then
    engine=$candidate
    break
  fi
done
if [ -z "$engine" ]; then
  why="no container engine works here"
  command -v docker > /dev/null 2>&1 && why="$why (docker: $(timeout 30 docker info 2>&1 | grep -m1 -iE 'cannot connect|error' || echo 'no daemon'))"
  command -v podman > /dev/null 2>&1 || why="$why; podman is not installed (apt-get install podman)"
  echo "container image: not built — $why"
  exit 0
fi

# The base images, from the local store or the registry.
for image in mcr.microsoft.com/dotnet/sdk:10.0 mcr.microsoft.com/dotnet/aspnet:10.0; do
  if ! timeout 30 "$engine" image inspect "$image" > /dev/null 2>&1; then
    if ! out=$(timeout 300 "$engine" pull -q "$image" 2>&1); then
      echo "container image: not built — $engine cannot get $image: $(printf '%s' "$out" | grep -m1 -iE 'error|denied|no such host|timeout' || printf '%s' "$out" | tail -1)"
      exit 0
    fi
  fi
done

# status <method> <url> [body]: the HTTP status code of one request (node: no curl needed).
status() {
  node -e '
    const [method, url, body] = process.argv.slice(1);
    fetch(url, { method, body, headers: body ? { "Content-Type": "application/json", Accept: "application/json, text/event-stream" } : {} })
      .then((r) => console.log(r.status)).catch(() => console.log(0));' "$@"
}

tag="lumina-packaging-test:$version"
name="lumina-packaging-test-$$"
cleanup() {
  "$engine" rm -f "$name" > /dev/null 2>&1 || true
  "$engine" rmi -f "$tag" > /dev/null 2>&1 || true
}
trap cleanup EXIT

# podman keeps HEALTHCHECK only in the docker image format (OCI images have no health check).
format=()
[ "$engine" = podman ] && format=(--format docker)
if ! out=$("$engine" build "${format[@]}" -t "$tag" --build-arg "VERSION=$version" . 2>&1); then
  echo "not ok $engine build"
  printf '%s\n' "$out" | tail -20 | sed 's/^/  /'
  exit 0
fi
echo "ok $engine build (runtime image mcr.microsoft.com/dotnet/aspnet:10.0)"

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$engine" run -d --name "$name" -p "127.0.0.1:$port:8080" -e "Lumina__Auth__SigningKey=$(head -c 48 /dev/urandom | base64)" "$tag" > /dev/null
up=0
for _ in $(seq 1 120); do
  if [ "$(status GET "http://127.0.0.1:$port/healthz")" = 200 ]; then
    up=1
    break
  fi
  sleep 0.5
done
if [ "$up" = 1 ]; then
  echo "ok the container answers /healthz through the published port"
else
  echo "not ok the container answers /healthz through the published port"
  "$engine" logs "$name" 2>&1 | tail -20 | sed 's/^/  /'
  exit 0
fi
# The image's HEALTHCHECK, run by the engine itself.
if [ "$engine" = podman ]; then
  health_ok() { podman healthcheck run "$name" > /dev/null 2>&1; }
else
  health_ok() { [ "$(docker inspect --format '{{.State.Health.Status}}' "$name")" = healthy ]; }
fi
healthy=0
for _ in $(seq 1 90); do
  if health_ok; then
    healthy=1
    break
  fi
  sleep 1
done
[ "$healthy" = 1 ] && echo "ok the engine runs the image's HEALTHCHECK: healthy" || echo "not ok the engine runs the image's HEALTHCHECK: healthy"
uid=$("$engine" exec "$name" id -u 2>&1) || uid="unknown ($uid)"
[ "$uid" != 0 ] && echo "ok the process runs as a non-root user (uid $uid)" || echo "not ok the process runs as root"
"$engine" exec "$name" sh -c 'test -w /data && ls /data | grep -q .' && echo "ok the state is written to the /data volume" || echo "not ok the state is written to the /data volume"
[ "$("$engine" exec "$name" lumina --version)" = "lumina $version" ] && echo "ok lumina --version in the container prints $version" || echo "not ok lumina --version in the container"
code=$(status POST "http://127.0.0.1:$port/mcp" \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}')
[ "$code" = 401 ] && echo "ok /mcp without credentials is refused (401)" || echo "not ok /mcp without credentials answered $code, not 401"
