#!/usr/bin/env bash
# Makes sure `cargo fuzz` is available for scripts/fuzz.sh: installs one pinned
# cargo-fuzz into ${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/cargo-fuzz-<version>
# once (under a lock, so parallel runs share the install) and prints the
# directory to put on PATH. Keep that directory between CI runs.
set -euo pipefail

version="0.13.1"
cache="${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}"
root="$cache/cargo-fuzz-$version"
mkdir -p "$cache"

if [ ! -x "$root/bin/cargo-fuzz" ]; then
    exec 9>"$cache/cargo-fuzz-$version.lock"
    flock 9
    # Another run may have finished the install while we waited for the lock.
    if [ ! -x "$root/bin/cargo-fuzz" ]; then
        echo "install-cargo-fuzz.sh: installing cargo-fuzz $version into $root" >&2
        # A private target directory: the install must not depend on, or
        # disturb, the caller's CARGO_TARGET_DIR.
        CARGO_TARGET_DIR="$root.build" \
            cargo install cargo-fuzz --version "$version" --locked --root "$root.partial"
        rm -rf "$root.build"
        mv "$root.partial" "$root"
    fi
    flock -u 9
fi

"$root/bin/cargo-fuzz" --version >&2
echo "$root/bin"
