#!/usr/bin/env bash
# Runs the official MCP conformance suite (pinned in package-lock.json) against a server URL:
#   tests/conformance/run.sh http://localhost:5100/mcp --requirements 2026-07-28
#   tests/conformance/run.sh http://localhost:5100/mcp --suite all --scenario NAME
# The suite needs Node >= 22; npm installs it locally as the `node` package, so the machine's Node 20 is enough.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${1:?usage: run.sh URL [conformance options]}"
shift
cd "$here"
# Installs when missing, and again when the installed suite is not the version package.json pins (an older checkout's).
wanted=$(sed -n 's/.*"@modelcontextprotocol\/conformance": *"\([^"]*\)".*/\1/p' package.json)
installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' node_modules/@modelcontextprotocol/conformance/package.json 2>/dev/null | head -1 || true)
if [ ! -x node_modules/.bin/conformance ] || [ ! -x node_modules/.bin/node ] || [ "$installed" != "$wanted" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$here/node_modules/.bin:$PATH"
exec conformance server --url "$url" "$@"
