#!/usr/bin/env bash
# Makes sure `redis-server` is on PATH for the mcp-tools-redis tests, installing
# Debian's package when it is missing. Safe to run any number of times.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-redis.sh: redis-server is missing and apt-get is not available;" >&2
    echo "install Redis 6.2 or newer by other means, or set MCP_TOOLS_SKIP_REDIS=1" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Only the server binary: the tests start their own instance on a free port,
# so the packaged service is neither needed nor started by us.
$sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null

if ! command -v redis-server >/dev/null 2>&1; then
    echo "install-redis.sh: redis-server is still not on PATH after installing it" >&2
    exit 1
fi
echo "install-redis.sh: $(redis-server --version)"
