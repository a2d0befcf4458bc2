#!/usr/bin/env bash
# Installs the Python packages of the interop tests (tests/interop/requirements.txt:
# the official MCP Python SDK) into a virtualenv in a cache directory, once, and
# prints that directory; its interpreter is <dir>/bin/python.
#
# The cache lives in ${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/python-<hash>,
# the hash being that of requirements.txt, so changing a pinned version installs
# afresh and CI machines keep the install between runs. Concurrent callers wait
# for each other (flock). Needs bash, python3 (>= 3.10, with the venv module)
# and, on the first run only, the PyPI registry. MCP_TOOLS_PYTHON names another
# interpreter to build the virtualenv from.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/../tests/interop/requirements.txt"
root="${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}"
key="$(sha256sum "$requirements" | cut -c1-12)"
dir="$root/python-$key"
python="${MCP_TOOLS_PYTHON:-python3}"

mkdir -p "$root"
exec 9>"$root/.python.lock"
flock 9
if [ ! -f "$dir/.installed" ]; then
  echo "interop-install-python: installing the Python packages into $dir (first run only)" >&2
  rm -rf "$dir.partial" "$dir"
  # The virtualenv is built at its final path: its scripts name that path.
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input -r "$requirements" >&2
  "$dir/bin/python" -c "import mcp" >&2
  cp "$requirements" "$dir/requirements.txt"
  touch "$dir/.installed"
fi
echo "$dir"
