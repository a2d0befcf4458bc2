#!/usr/bin/env bash
# Load benchmark: the bare-hyper floor and our echo example, one after the other in the same run.
#
# Each server runs alone, pinned to one core; wrk runs on another core with 64 keep-alive
# connections posting the same `tools/call echo {text}` request. After a warm-up, every round
# records wrk's requests, p50 and p99 latency and the server's CPU time from /proc, so CPU per
# request is measured, not inferred from throughput. JSON and SSE answers are measured apart.
# See benches/README.md for what the numbers mean.
#
#   bash benches/load.sh                     # 5 s warm-up, 3 rounds of 10 s, 64 connections
#   ROUNDS=5 DURATION=20 bash benches/load.sh
#   SERVERS="floor floor-mt" MODES=sse bash benches/load.sh
#
# Settings (environment):
#   ROUNDS=3 DURATION=10 WARMUP=5 CONNECTIONS=64   rounds, seconds per round, warm-up seconds
#   SERVERS="floor echo"   what to measure (default: floor, plus echo once examples/echo.rs exists);
#                          floor-mt is the floor on tokio's multi-thread runtime
#   MODES="json sse"       json: Accept both, answer JSON; sse: Accept text/event-stream only
#   SERVER_CORE=0 LOAD_CORE=1   cores for the server and for wrk
#   MCP_PATH=/mcp          the endpoint's path (the floor answers on any path)
#   API_KEY=               if set, sent in the API_KEY_HEADER header (default x-api-key)
#   ECHO_ARGS=             extra arguments for the echo example
#   BUILD=1                0 skips `cargo build --release`
#   OUT=target/load-results.md
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
MCP_PATH=${MCP_PATH:-/mcp}
API_KEY=${API_KEY:-}
API_KEY_HEADER=${API_KEY_HEADER:-x-api-key}
ECHO_ARGS=${ECHO_ARGS:-}
BUILD=${BUILD:-1}
MODES=${MODES:-json sse}
OUT=${OUT:-target/load-results.md}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [[ -z ${SERVERS:-} ]]; then
    SERVERS=floor
    [[ -f examples/echo.rs ]] && SERVERS="floor echo"
fi

# The request every connection sends, as in the issue: one echo call, id 1.
BODY='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}'
PROTOCOL_VERSION=2025-06-18
# A keep-alive reply slower than this looks like a Nagle / delayed-ACK stall (about 40 ms).
STALL_SECONDS=0.030

# shellcheck source=benches/common.sh
source "$ROOT/benches/common.sh"

for setting in ROUNDS DURATION WARMUP CONNECTIONS SERVER_CORE LOAD_CORE; do
    [[ ${!setting} =~ ^[0-9]+$ ]] || die "$setting must be a whole number, not '${!setting}'"
done
((ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= 1)) || die "ROUNDS, DURATION and CONNECTIONS must be at least 1"
for mode in $MODES; do
    [[ $mode == json || $mode == sse ]] || die "unknown mode '$mode' (json or sse)"
done
((SERVER_CORE != LOAD_CORE)) || die "SERVER_CORE and LOAD_CORE must differ"
cores=$(nproc --all)
((SERVER_CORE < cores && LOAD_CORE < cores)) || die "this machine has $cores cores; set SERVER_CORE and LOAD_CORE"

# --- tools -------------------------------------------------------------------------------------

command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the processes"
ensure_wrk
CLK_TCK=$(getconf CLK_TCK)
HAVE_CURL=0
command -v curl >/dev/null && HAVE_CURL=1

# --- build ---------------------------------------------------------------------------------------

binary_of() {
    case $1 in
        floor | floor-mt) echo "$TARGET_DIR/release/examples/floor" ;;
        echo) echo "$TARGET_DIR/release/examples/echo" ;;
        *) die "unknown server '$1' (floor, floor-mt, echo)" ;;
    esac
}

arguments_of() {
    case $1 in
        floor-mt) echo --multi-thread ;;
        echo) echo "$ECHO_ARGS" ;;
    esac
}

examples=()
for server in $SERVERS; do
    binary_of "$server" >/dev/null
    case $server in
        floor | floor-mt) examples+=(--example floor) ;;
        echo) examples+=(--example echo) ;;
    esac
done
if ((BUILD)); then
    cargo build --release "${examples[@]}"
fi

# --- servers -------------------------------------------------------------------------------------

WORK=$(mktemp -d)
SERVER_PID=

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        note "server $pid ignored SIGTERM for 5 s; killing it"
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


# start_server NAME LOG: starts it pinned to SERVER_CORE and waits until it accepts; sets PORT.
start_server() {
    local name=$1 log=$2 binary
    binary=$(binary_of "$name")
    [[ -x $binary ]] || die "$binary is missing; run without BUILD=0"
    PORT=$(free_port)
    # shellcheck disable=SC2046 # the arguments are split on purpose
    taskset -c "$SERVER_CORE" "$binary" --listen "127.0.0.1:$PORT" $(arguments_of "$name") >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || die "$name exited at start:"$'\n'"$(tail -20 "$log")"
        accepting "$PORT" && return 0
        sleep 0.1
    done
    die "$name did not accept connections within 10 s:"$'\n'"$(tail -20 "$log")"
}


accept_of() {
    case $1 in
        json) echo "application/json, text/event-stream" ;;
        sse) echo "text/event-stream" ;;
    esac
}

content_type_of() {
    case $1 in
        json) echo application/json ;;
        sse) echo text/event-stream ;;
    esac
}

# --- the load ------------------------------------------------------------------------------------

LUA=$WORK/call.lua
cat >"$LUA" <<EOF
-- One tools/call per request; headers come from the environment so the key is never in the file.
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = os.getenv("LOAD_ACCEPT")
wrk.headers["MCP-Protocol-Version"] = "$PROTOCOL_VERSION"
local key = os.getenv("LOAD_API_KEY")
if key ~= nil and key ~= "" then
  wrk.headers[os.getenv("LOAD_API_KEY_HEADER")] = key
end

-- One machine-readable line: wrk's own counters, latencies in microseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF

# Checks one answer by hand before loading: status, content type, the echoed text, and that
# keep-alive replies are not stalled. Prints "no" or "yes" (a suspected Nagle stall) and the
# slowest of 20 calls on one connection.
check_answer() {
    local name=$1 mode=$2 url=$3 want headers=() urls=() slowest
    want=$(content_type_of "$mode")
    headers=(-H "Content-Type: application/json" -H "Accept: $(accept_of "$mode")"
        -H "MCP-Protocol-Version: $PROTOCOL_VERSION")
    [[ -n $API_KEY ]] && headers+=(-H "$API_KEY_HEADER: $API_KEY")
    curl -sS --max-time 5 -o "$WORK/answer" -D "$WORK/head" "${headers[@]}" --data-binary "$BODY" "$url" ||
        die "$name ($mode): request failed"
    head -1 "$WORK/head" | grep -q ' 200' || die "$name ($mode): $(head -1 "$WORK/head")"$'\n'"$(cat "$WORK/answer")"
    grep -qi "^content-type: *$want" "$WORK/head" ||
        die "$name ($mode): wanted $want, got: $(grep -i '^content-type' "$WORK/head" || echo 'no content type')"
    grep -q '"text":"hello"' "$WORK/answer" || die "$name ($mode): the answer does not echo the text: $(cat "$WORK/answer")"
    # 20 calls on one keep-alive connection; a Nagle stall shows up as about 40 ms on some of them.
    for _ in $(seq 20); do urls+=(-o /dev/null "$url"); done
    slowest=$(curl -sS --max-time 10 -w '%{time_total}\n' "${headers[@]}" --data-binary "$BODY" "${urls[@]}" |
        sort -g | tail -1)
    awk -v s="$slowest" -v limit="$STALL_SECONDS" \
        'BEGIN { printf "%s (slowest of 20: %.1f ms)\n", (s > limit) ? "yes" : "no", s * 1000 }'
}

# run_wrk SECONDS MODE URL: one wrk run pinned to LOAD_CORE; prints its LOAD line.
run_wrk() {
    local seconds=$1 mode=$2 url=$3 output line
    output=$(LOAD_ACCEPT=$(accept_of "$mode") LOAD_API_KEY=$API_KEY \
        LOAD_API_KEY_HEADER=$API_KEY_HEADER timeout $((seconds + 30)) \
        taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 2s --latency -s "$LUA" "$url") ||
        die "wrk failed:"$'\n'"$output"
    line=$(grep '^LOAD ' <<<"$output") || die "wrk printed no result line:"$'\n'"$output"
    for counter in connect read write status timeout; do
        [[ $line =~ $counter=([0-9]+) ]] || die "cannot read $counter from: $line"
        ((BASH_REMATCH[1] == 0)) || die "wrk counted ${BASH_REMATCH[1]} $counter errors (status = non-2xx/3xx):"$'\n'"$output"
    done
    if ! [[ $line =~ requests=([0-9]+) ]] || ((BASH_REMATCH[1] == 0)); then
        die "wrk completed no request:"$'\n'"$output"
    fi
    echo "$line"
}

field() { [[ $2 =~ $1=([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }

ROUNDS_FILE=$WORK/rounds
STALLS_FILE=$WORK/stalls
: >"$ROUNDS_FILE"
: >"$STALLS_FILE"
LOAD_AVERAGE=$(cut -d' ' -f1-3 /proc/loadavg)

for server in $SERVERS; do
    for mode in $MODES; do
        log=$WORK/$server-$mode.log
        start_server "$server" "$log"
        url=http://127.0.0.1:$PORT$MCP_PATH
        note "$server ($mode): pid $SERVER_PID on core $SERVER_CORE, $url"
        if ((HAVE_CURL)); then
            stall=$(check_answer "$server" "$mode" "$url")
            echo "$server $mode $stall" >>"$STALLS_FILE"
            [[ $stall == no* ]] || note "$server ($mode): a keep-alive reply took over ${STALL_SECONDS}s: Nagle stall?"
        fi
        if ((WARMUP > 0)); then
            note "$server ($mode): warming up for ${WARMUP}s"
            run_wrk "$WARMUP" "$mode" "$url" >/dev/null
        fi
        for round in $(seq "$ROUNDS"); do
            read -r server_core_before _ < <(core_ticks "$SERVER_CORE")
            read -r load_core_before load_total_before < <(core_ticks "$LOAD_CORE")
            before=$(cpu_ticks "$SERVER_PID")
            line=$(run_wrk "$DURATION" "$mode" "$url")
            after=$(cpu_ticks "$SERVER_PID")
            read -r server_core_after _ < <(core_ticks "$SERVER_CORE")
            read -r load_core_after load_total_after < <(core_ticks "$LOAD_CORE")
            requests=$(field requests "$line")
            duration_us=$(field duration_us "$line")
            p50=$(field p50_us "$line")
            p99=$(field p99_us "$line")
            awk -v server="$server" -v mode="$mode" -v round="$round" -v requests="$requests" \
                -v duration="$duration_us" -v p50="$p50" -v p99="$p99" -v ticks=$((after - before)) \
                -v hz="$CLK_TCK" -v core_busy=$((server_core_after - server_core_before)) \
                -v load_busy=$((load_core_after - load_core_before)) \
                -v load_total=$((load_total_after - load_total_before)) 'BEGIN {
                    cpu_s = ticks / hz
                    seconds = duration / 1e6
                    others = 100 * (core_busy - ticks) / hz / seconds
                    if (others < 0) others = 0
                    load_share = (load_total > 0) ? 100 * load_busy / load_total : 0
                    printf("%s %s %d %.1f %d %d %.2f %.1f %.1f %.1f\n", server, mode, round,
                        requests / seconds, p50, p99, cpu_s * 1e6 / requests, 100 * cpu_s / seconds,
                        others, load_share)
                }' >>"$ROUNDS_FILE"
            tail -1 "$ROUNDS_FILE" | awk '{ printf "load.sh: %s (%s) round %d: %.0f req/s, p50 %d us, p99 %d us, %.2f us CPU/req, server %.0f%% of its core, others %.0f%%, load core busy %.0f%%\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' >&2
        done
        stop_server
    done
done

# --- report --------------------------------------------------------------------------------------

# median SERVER MODE COLUMN (common.sh): the median over rounds of one column of the rounds file.

ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

report() {
    echo "# Load benchmark results"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit; ${cpu_model:-unknown CPU}, $cores cores;"
    echo "load average $LOAD_AVERAGE at the start (above 0 means other work shared the machine)."
    echo "Server on core $SERVER_CORE, wrk on core $LOAD_CORE (\`wrk -t1 -c$CONNECTIONS\`); ${WARMUP}s warm-up,"
    echo "$ROUNDS rounds of ${DURATION}s; medians over rounds. CPU µs/req = server utime+stime / requests."
    local others=() server mode
    for server in $SERVERS; do [[ $server == floor ]] || others+=("$server"); done
    if [[ " $SERVERS " == *" floor "* ]] && ((${#others[@]})); then
        echo
        echo "## Ratios to the floor (same run)"
        echo
        echo "| server | mode | CPU µs/req ÷ floor's | req/s ÷ floor's |"
        echo "|---|---|---:|---:|"
        for server in "${others[@]}"; do
            for mode in $MODES; do
                echo "| $server | $mode | $(ratio "$(median "$server" "$mode" 7)" "$(median floor "$mode" 7)") |" \
                    "$(ratio "$(median "$server" "$mode" 4)" "$(median floor "$mode" 4)") |"
            done
        done
    fi
    if [[ " $MODES " == *" json "* && " $MODES " == *" sse "* ]]; then
        echo
        echo "## SSE / JSON (CPU µs/req)"
        echo
        echo "| server | SSE / JSON |"
        echo "|---|---:|"
        for server in $SERVERS; do
            echo "| $server | $(ratio "$(median "$server" sse 7)" "$(median "$server" json 7)") |"
        done
    fi
    echo
    echo "## Medians"
    echo
    echo "| server | mode | req/s | p50 | p99 | CPU µs/req | server CPU | others on its core | wrk's core busy | Nagle stall |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for server in $SERVERS; do
        for mode in $MODES; do
            local stall
            stall=$(awk -v s="$server" -v m="$mode" '$1 == s && $2 == m { $1 = $2 = ""; sub(/^ +/, ""); print }' "$STALLS_FILE")
            printf '| %s | %s | %.0f | %s | %s | %.2f | %.0f%% | %.0f%% | %.0f%% | %s |\n' "$server" "$mode" \
                "$(median "$server" "$mode" 4)" "$(ms "$(median "$server" "$mode" 5)")" \
                "$(ms "$(median "$server" "$mode" 6)")" "$(median "$server" "$mode" 7)" \
                "$(median "$server" "$mode" 8)" "$(median "$server" "$mode" 9)" \
                "$(median "$server" "$mode" 10)" "${stall:-not checked}"
        done
    done
    echo
    echo "## Rounds"
    echo
    echo "| server | mode | round | req/s | p50 | p99 | CPU µs/req | server CPU | others on its core | wrk's core busy |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk '{ printf "| %s | %s | %d | %.0f | %.2f ms | %.2f ms | %.2f | %.0f%% | %.0f%% | %.0f%% |\n", $1, $2, $3, $4, $5 / 1000, $6 / 1000, $7, $8, $9, $10 }' "$ROUNDS_FILE"
}

mkdir -p "$(dirname "$OUT")"
report | tee "$OUT"
note "written to $OUT"
