#!/usr/bin/env bash
# Instructions per tools/call under callgrind: the bare-hyper floor, our echo example in each of its
# modes, and the same echo tool on rmcp, one after the other in one run.
#
# Each server runs alone under `valgrind --tool=callgrind`, pinned to one core, on 127.0.0.1. The
# load driver (benches/callgrind_driver.rs) opens a few keep-alive connections, sends warm-up calls,
# zeroes the server's counters with `callgrind_control --zero`, sends the measured calls (checking
# every answer) and dumps the counters with `callgrind_control --dump`. That dump holds the measured
# calls only; its instruction count divided by the calls is the figure. See benches/README.md.
#
#   bash benches/callgrind.sh                          # 200 warm-up and 2,000 measured calls
#   CALLS=5000 WARMUP=500 bash benches/callgrind.sh
#   CASES="floor echo-json rmcp-json" bash benches/callgrind.sh
#
# Settings (environment):
#   CASES="floor floor-sse floor-2026 echo-json echo-sse echo-2026 echo-auth-rate rmcp-json"
#                          what to measure, in order. floor-sse and floor-2026 are the floor given
#                          echo-sse's and echo-2026's requests; each echo case is divided by the
#                          JSON floor and by the floor of its own request
#   CALLS=2000 WARMUP=200 CONNECTIONS=4   measured calls, warm-up calls, keep-alive connections
#   SERVER_CORE=0 LOAD_CORE=1   cores for the server and for the driver
#   CASE_TIMEOUT=600       seconds one case may take, start to stop
#   BUILD=1                0 skips `cargo build --release`
#   OUT=target/callgrind-results.md
#   KEEP=                  a directory: each case's callgrind dump of the measured calls is copied
#                          there as CASE.callgrind, for `callgrind_annotate KEEP/CASE.callgrind`
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CASES=${CASES:-floor floor-sse floor-2026 echo-json echo-sse echo-2026 echo-auth-rate rmcp-json}
CALLS=${CALLS:-2000}
WARMUP=${WARMUP:-200}
CONNECTIONS=${CONNECTIONS:-4}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
CASE_TIMEOUT=${CASE_TIMEOUT:-600}
BUILD=${BUILD:-1}
OUT=${OUT:-target/callgrind-results.md}
KEEP=${KEEP:-}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
EXAMPLES=$TARGET_DIR/release/examples

die() {
    echo "callgrind.sh: $*" >&2
    exit 1
}
note() { echo "callgrind.sh: $*" >&2; }

for setting in CALLS WARMUP CONNECTIONS SERVER_CORE LOAD_CORE CASE_TIMEOUT BUILD; do
    [[ ${!setting} =~ ^[0-9]+$ ]] || die "$setting must be a whole number, not '${!setting}'"
done
((CALLS >= 1 && CALLS <= 1000000)) || die "CALLS must be 1 to 1000000"
((WARMUP <= 1000000)) || die "WARMUP must be at most 1000000"
((CONNECTIONS >= 1 && CONNECTIONS <= 64)) || die "CONNECTIONS must be 1 to 64"
((CASE_TIMEOUT >= 10)) || die "CASE_TIMEOUT must be at least 10 seconds"
((SERVER_CORE != LOAD_CORE)) || die "SERVER_CORE and LOAD_CORE must differ"
cores=$(nproc --all)
((SERVER_CORE < cores && LOAD_CORE < cores)) || die "this machine has $cores cores; set SERVER_CORE and LOAD_CORE"

# --- the cases -----------------------------------------------------------------------------------

# What each case runs: its server binary, the server's arguments, and the driver's mode.
binary_of() {
    case $1 in
        floor | floor-sse | floor-2026) echo floor ;;
        echo-json | echo-sse | echo-2026 | echo-auth-rate) echo echo ;;
        rmcp-json) echo rmcp-echo ;;
        *) die "unknown case '$1' (floor, floor-sse, floor-2026, echo-json, echo-sse, echo-2026, echo-auth-rate, rmcp-json)" ;;
    esac
}

mode_of() {
    case $1 in
        floor | echo-json | echo-auth-rate | rmcp-json) echo json ;;
        floor-sse | echo-sse) echo sse ;;
        floor-2026 | echo-2026) echo 2026 ;;
    esac
}

describe() {
    case $1 in
        floor) echo "bare hyper + serde_json, JSON answer" ;;
        floor-sse) echo "bare hyper + serde_json, SSE answer" ;;
        floor-2026) echo "bare hyper + serde_json, 2026-07-28 request (resultType, server in _meta)" ;;
        echo-json) echo "our echo example, JSON answer" ;;
        echo-sse) echo "our echo example, SSE answer" ;;
        echo-2026) echo "our echo example, 2026-07-28 request, JSON answer" ;;
        echo-auth-rate) echo "our echo example, API key and rate limiter on, JSON answer" ;;
        rmcp-json) echo "rmcp $RMCP_VERSION, stateless, JSON answer" ;;
    esac
}

# A throwaway key for the authenticated case: the server only listens on loopback for a minute.
API_KEY=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

# Extra server arguments, one per line (so that none is split or globbed).
server_arguments() {
    case $1 in
        # The budget is far above what a run sends: every call is admitted, and the limiter's
        # bookkeeping is what gets measured.
        echo-auth-rate) printf '%s\n' --api-key "$API_KEY" --rate-limit 1000000 ;;
    esac
}

RMCP_VERSION=$(awk '$1 == "name" && $3 == "\"rmcp\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[[ -n $RMCP_VERSION ]] || RMCP_VERSION="(version unknown)"

for case_name in $CASES; do
    binary_of "$case_name" >/dev/null
done
[[ " $CASES " == *" floor "* ]] || note "the floor is not among the cases: no ratios to it"

# --- tools ---------------------------------------------------------------------------------------

command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the processes"
if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
    note "installing valgrind from Debian's packages"
    sudo=()
    (($(id -u) == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y valgrind
fi

# --- build ---------------------------------------------------------------------------------------

if ((BUILD)); then
    examples=(--example callgrind-driver)
    for case_name in $CASES; do
        example=$(binary_of "$case_name")
        [[ " ${examples[*]} " == *" $example "* ]] || examples+=(--example "$example")
    done
    cargo build --release "${examples[@]}"
fi
DRIVER=$EXAMPLES/callgrind-driver
[[ -x $DRIVER ]] || die "$DRIVER is missing; run without BUILD=0"

# --- servers -------------------------------------------------------------------------------------

WORK=$(mktemp -d)
SERVER_PID=

# Stops the server under valgrind: SIGTERM lets it drain and valgrind write its last dump.
stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        note "server $pid ignored SIGTERM for 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server CASE: starts the case's server under callgrind on 127.0.0.1 with a port of the
# system's choosing, and waits until it prints the address it listens on. Sets SERVER_PID and PORT.
start_server() {
    local case_name=$1 binary arguments=() line
    binary=$EXAMPLES/$(binary_of "$case_name")
    [[ -x $binary ]] || die "$binary is missing; run without BUILD=0"
    mapfile -t arguments < <(server_arguments "$case_name")
    # Counting is on from the start; the driver zeroes it after the warm-up. taskset and valgrind
    # exec in place, so $! is the pid that callgrind_control addresses.
    taskset -c "$SERVER_CORE" valgrind --tool=callgrind --callgrind-out-file="$WORK/$case_name.out" \
        "$binary" --listen 127.0.0.1:0 "${arguments[@]}" >"$WORK/$case_name.stdout" 2>"$WORK/$case_name.stderr" &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 600); do
        kill -0 "$SERVER_PID" 2>/dev/null ||
            die "$case_name exited at start:"$'\n'"$(tail -20 "$WORK/$case_name.stderr")"
        # floor and rmcp-echo print "listening on ADDR", echo "MCP endpoint: http://ADDR/mcp".
        line=$(grep -Eo '127\.0\.0\.1:[0-9]+' "$WORK/$case_name.stdout" | head -1 || true)
        if [[ -n $line ]]; then
            PORT=${line#127.0.0.1:}
            return 0
        fi
        sleep 0.1
    done
    die "$case_name printed no address within 60 s:"$'\n'"$(tail -20 "$WORK/$case_name.stderr")"
}

# The instruction count (Ir) of the dump the driver asked for after the measured calls.
measured_instructions() {
    local case_name=$1 file
    for file in "$WORK/$case_name.out".*; do
        [[ -f $file ]] || continue
        if grep -q '^desc: Trigger: .*measured' "$file"; then
            if [[ -n $KEEP ]]; then
                mkdir -p "$KEEP"
                cp "$file" "$KEEP/$case_name.callgrind"
            fi
            awk '$1 == "summary:" || $1 == "totals:" { print $2; exit }' "$file"
            return 0
        fi
    done
    return 1
}

RESULTS=$WORK/results
: >"$RESULTS"
LOAD_AVERAGE=$(cut -d' ' -f1-3 /proc/loadavg)

for case_name in $CASES; do
    mode=$(mode_of "$case_name")
    started=$SECONDS
    start_server "$case_name"
    note "$case_name: pid $SERVER_PID on core $SERVER_CORE, http://127.0.0.1:$PORT/mcp, $mode requests"
    driver_arguments=(--url "http://127.0.0.1:$PORT/mcp" --mode "$mode" --connections "$CONNECTIONS"
        --warmup "$WARMUP" --calls "$CALLS" --callgrind-pid "$SERVER_PID")
    [[ $case_name == echo-auth-rate ]] && driver_arguments+=(--api-key "$API_KEY")
    remaining=$((CASE_TIMEOUT - (SECONDS - started)))
    ((remaining > 0)) || die "$case_name: took over ${CASE_TIMEOUT}s to start"
    if ! driven=$(timeout "$remaining" taskset -c "$LOAD_CORE" "$DRIVER" "${driver_arguments[@]}"); then
        die "$case_name: the driver failed (see above); server's last words:"$'\n'"$(tail -20 "$WORK/$case_name.stderr")"
    fi
    note "$case_name: $driven"
    instructions=$(measured_instructions "$case_name") ||
        die "$case_name: no callgrind dump of the measured calls in $WORK"
    [[ $instructions =~ ^[0-9]+$ ]] || die "$case_name: cannot read the instruction count: '$instructions'"
    stop_server
    echo "$case_name $instructions" >>"$RESULTS"
    awk -v c="$case_name" -v i="$instructions" -v n="$CALLS" -v s=$((SECONDS - started)) \
        'BEGIN { printf "callgrind.sh: %s: %.0f instructions per call (%d s)\n", c, i / n, s }' >&2
done

# --- report --------------------------------------------------------------------------------------

per_call() { awk -v c="$1" -v n="$CALLS" '$1 == c { printf "%.0f", $2 / n }' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f×", a / b; else print "–" }'; }
thousands() { sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta' <<<"$1"; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
floor=$(per_call floor)
rmcp=$(per_call rmcp-json)

# The floor measured on the same request as an echo case (JSON, SSE or 2026-07-28), if it was.
same_request_floor() {
    case $1 in
        echo-json | echo-auth-rate) per_call floor ;;
        echo-sse) per_call floor-sse ;;
        echo-2026) per_call floor-2026 ;;
    esac
}

report() {
    echo "# Callgrind benchmark results"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit; $(valgrind --version); ${cpu_model:-unknown CPU};"
    echo "load average $LOAD_AVERAGE at the start. $WARMUP warm-up and $CALLS measured \`tools/call\`s of \`echo\`"
    echo "on $CONNECTIONS keep-alive connections; user-space instructions (callgrind's Ir) of the"
    echo "measured calls only, divided by $CALLS."
    echo
    echo "| case | server | instructions per call | ÷ floor | ÷ floor of the same request | ÷ rmcp |"
    echo "|---|---|---:|---:|---:|---:|"
    local case_name value
    for case_name in $CASES; do
        value=$(per_call "$case_name")
        printf '| %s | %s | %s | %s | %s | %s |\n' "$case_name" "$(describe "$case_name")" \
            "$(thousands "$value")" "$(ratio "$value" "$floor")" \
            "$(ratio "$value" "$(same_request_floor "$case_name")")" "$(ratio "$value" "$rmcp")"
    done
    if [[ -n $rmcp ]]; then
        local ours
        ours=$(per_call echo-json)
        if [[ -n $ours ]]; then
            echo
            echo "On the same JSON request, rmcp spends $(ratio "$rmcp" "$ours") the instructions of our echo example."
        fi
    fi
}

mkdir -p "$(dirname "$OUT")"
report | tee "$OUT"
note "written to $OUT"
