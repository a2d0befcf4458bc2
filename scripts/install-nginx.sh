#!/usr/bin/env bash
# Makes sure `nginx` is on PATH for the mcp-tools-redis test that puts two
# replicas behind a real load balancer, installing Debian's package when it is
# missing. Safe to run any number of times. The test starts its own nginx on
# free loopback ports with a generated configuration; the packaged service is
# neither needed nor started by us.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-nginx.sh: nginx is missing and apt-get is not available;" >&2
    echo "install nginx 1.19.5 or newer by other means, or set MCP_TOOLS_SKIP_NGINX=1" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# nginx-light: the core with the proxy and upstream modules, nothing else.
$sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 \
    || $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null
# Debian's maintainer script may start the packaged service; the tests do not want it.
if command -v service >/dev/null 2>&1; then
    $sudo service nginx stop >/dev/null 2>&1 || true
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "install-nginx.sh: nginx is still not found after installing it" >&2
    exit 1
fi
