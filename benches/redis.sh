#!/usr/bin/env bash
# Redis against memory: one Retently replica (the release example binary) served twice in the same
# run, once with everything in its own memory and once with `--redis` (a redis-server this script
# starts on a free loopback port), under the same bounded wrk load. Both replicas are up at once
# and their rounds alternate, so that the load of neighbours on a shared machine, which comes and
# goes, weighs on both alike; each round's ratio compares two measurements seconds apart:
#
#   writes  confirmed writes as a client makes them: a dry run of star_feedback, then the same call
#           with the ConfirmationToken it returned (replay store, write budget, audit)
#   reads   get_feedback, a read-only call that touches no shared state but the rate budget
#   plain   get_account_info on a Reteno replica (the release example `reteno`, which has no rate
#           budget), served the same two ways: a read-only call that touches no shared state at all
#
# For each, the replica's calls/s and CPU per call (utime+stime of the process from /proc/PID/stat,
# before and after each round, over the calls wrk completed; and the stime part alone) and, with Redis, the Redis commands
# per call (INFO commandstats before and after, the commands scripts run included) and the round
# trips per call (MONITOR over 20 sequential calls of each kind), and how busy the load core was
# (wrk's, and redis-server's unless REDIS_CORE moves it). Then the ratio Redis / memory. Requests speak
# 2026-07-28 (no session), so the only difference between the two is the shared state.
#
#   bash benches/redis.sh                  # 2 s warm-up, 3 rounds of 5 s, 16 connections
#   ROUNDS=5 DURATION=10 bash benches/redis.sh
#
# Settings (environment):
#   ROUNDS=3 DURATION=5 WARMUP=2 CONNECTIONS=16   rounds, seconds per round, warm-up, connections
#   SERVER_CORE=0 LOAD_CORE=1   the replica's core; wrk and redis-server share the other
#   REDIS_CORE=LOAD_CORE        redis-server's core: SERVER_CORE runs it beside the replica,
#                               so that wrk has a core to itself in both stores
#   PAUSE_MS=0                  each connection waits this long after every answer before its
#                               next request (wrk's `delay`), so both replicas serve the same paced
#                               load below what they could: CPU per call at a given load, not at
#                               saturation (16 connections and 2 ms: at most 8,000 requests/s)
#   FILL_LOAD_CORE=0            1: a busy loop at the lowest priority (nice 19) on LOAD_CORE for
#                               the whole run, so that the replica's neighbour core is busy all
#                               the time for both stores, and not more so with Redis (whose
#                               server shares that core); on a host whose two vCPUs share one
#                               physical core, a busier neighbour slows the replica's own
#                               (wrk and redis-server still get nearly all of that core: nice 19
#                               weighs 15 against their 1024 each)
#   REDIS_SOCKET=0              1: the replica reaches redis-server through a Unix socket
#                               (redis+unix://) instead of TCP on 127.0.0.1
#   BUILD=1                     0 skips `cargo build --release --example retently --example reteno`
#   INSTRUCTIONS=0              1 also counts the replica's instructions per write and per read
#                               under callgrind (memory, then Redis), INSTRUCTION_SECONDS=10 of
#                               load each after a warm-up: a ratio the machine's load cannot move
#   CACHE_SIM=0                 1, with INSTRUCTIONS=1: callgrind also simulates the first-level
#                               caches (--cache-sim=yes), and the report gives their misses per
#                               call beside the instructions (slower: run it with few seconds)
#   KEEP=                       with INSTRUCTIONS=1, a directory: each measured dump is copied
#                               there as STORE-WORKLOAD.callgrind, for `callgrind_annotate`
#   OUT=target/redis-results.md
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
REDIS_CORE=${REDIS_CORE:-$LOAD_CORE}
REDIS_SOCKET=${REDIS_SOCKET:-0}
FILL_LOAD_CORE=${FILL_LOAD_CORE:-0}
PAUSE_MS=${PAUSE_MS:-0}
BUILD=${BUILD:-1}
INSTRUCTIONS=${INSTRUCTIONS:-0}
INSTRUCTION_SECONDS=${INSTRUCTION_SECONDS:-10}
CACHE_SIM=${CACHE_SIM:-0}
OUT=${OUT:-target/redis-results.md}
KEEP=${KEEP:-}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BINARY=$TARGET_DIR/release/examples/retently
RETENO=$TARGET_DIR/release/examples/reteno

TOKEN=rtly_mcp_pat_bench_0123456789abcdef0123456789abcdef
SECRET=a-benchmark-secret-of-at-least-32-bytes-0123456789
VERSION=2026-07-28
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"'$VERSION'","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}'

# shellcheck source=benches/common.sh
source "$ROOT/benches/common.sh"

for setting in ROUNDS DURATION WARMUP CONNECTIONS SERVER_CORE LOAD_CORE REDIS_CORE REDIS_SOCKET FILL_LOAD_CORE PAUSE_MS INSTRUCTIONS INSTRUCTION_SECONDS CACHE_SIM; do
    [[ ${!setting} =~ ^[0-9]+$ ]] || die "$setting must be a whole number, not '${!setting}'"
done
((ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= 1)) || die "ROUNDS, DURATION and CONNECTIONS must be at least 1"
((ROUNDS <= 20 && DURATION <= 60 && WARMUP <= 60)) || die "at most 20 rounds of 60 s (this is a bounded benchmark)"
((INSTRUCTION_SECONDS >= 1 && INSTRUCTION_SECONDS <= 120)) || die "INSTRUCTION_SECONDS must be 1 to 120"
((PAUSE_MS <= 1000)) || die "PAUSE_MS must be 0 to 1000"
((!CACHE_SIM || INSTRUCTIONS)) || die "CACHE_SIM=1 needs INSTRUCTIONS=1: the caches are simulated under callgrind"
((SERVER_CORE != LOAD_CORE)) || die "SERVER_CORE and LOAD_CORE must differ"
for tool in taskset wrk curl redis-server redis-cli; do
    command -v "$tool" >/dev/null || die "$tool is needed (Debian: util-linux, wrk, curl, redis-server; scripts/install-redis.sh)"
done
CLK_TCK=$(getconf CLK_TCK)

if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP" || die "cannot create KEEP=$KEEP"
    KEEP=$(cd "$KEEP" && pwd)
fi
if ((INSTRUCTIONS)); then
    command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
        die "INSTRUCTIONS=1 needs valgrind (Debian: valgrind; benches/callgrind.sh installs it)"
fi

if ((BUILD)); then
    nice -n 5 cargo build --release --example retently --example reteno
fi
[[ -x $BINARY ]] || die "$BINARY is missing; run without BUILD=0"
[[ -x $RETENO ]] || die "$RETENO is missing; run without BUILD=0"

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "redis.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR


# wait_for PID PORT LOG [TENTHS]: until PORT accepts, or the process exits (10 s at most, or
# TENTHS tenths of a second).
wait_for() {
    for _ in $(seq "${4:-100}"); do
        kill -0 "$1" 2>/dev/null || die "exited at start:"$'\n'"$(tail -20 "$3")"
        accepting "$2" && return 0
        sleep 0.1
    done
    die "nothing accepted on port $2 within 10 s:"$'\n'"$(tail -20 "$3")"
}


# Every command Redis has run so far.
redis_commands() {
    redis-cli -p "$REDIS_PORT" info commandstats |
        awk -F'[:=,]' '/^cmdstat_/ { total += $3 } END { print total + 0 }'
}

REDIS_PORT=$(free_port)
# The TCP port stays open with a socket too: redis-cli counts commands and watches MONITOR there.
REDIS_SOCKET_PATH=$WORK/redis.sock
socket_arguments=()
((REDIS_SOCKET)) && socket_arguments=(--unixsocket "$REDIS_SOCKET_PATH" --unixsocketperm 700)
taskset -c "$REDIS_CORE" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --maxmemory-policy noeviction "${socket_arguments[@]}" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_for "${PIDS[-1]}" "$REDIS_PORT" "$WORK/redis.log"
REDIS_VERSION=$(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')

if ((FILL_LOAD_CORE)); then
    taskset -c "$LOAD_CORE" nice -n 19 bash -c 'while :; do :; done' &
    PIDS+=($!)
fi

# start_replica NAME [ARGS…]: the replica pinned to SERVER_CORE; sets PORT and PID. With
# UNDER=(valgrind …) set, the replica runs under that command (which must exec in place).
UNDER=()
start_replica() {
    local name=$1
    shift
    PORT=$(free_port)
    taskset -c "$SERVER_CORE" "${UNDER[@]}" "$BINARY" --listen "127.0.0.1:$PORT" \
        --pat "$TOKEN=feedback:read,feedback:curate" --audit-log "$WORK/audit-$name.jsonl" \
        --writes-per-hour 1000000 --calls-per-hour 100000000 "$@" >"$WORK/$name.log" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    wait_for "$PID" "$PORT" "$WORK/$name.log" 600
}

# store_arguments STORE: the replica's arguments for `memory` or `redis`.
store_arguments() {
    [[ $1 == redis ]] || return 0
    if ((REDIS_SOCKET)); then
        printf '%s\n' --redis "redis+unix://$REDIS_SOCKET_PATH" --shared-secret "$SECRET"
    else
        printf '%s\n' --redis "redis://127.0.0.1:$REDIS_PORT/" --shared-secret "$SECRET"
    fi
}

# prepare_bodies: a feedback to star on the replica at PORT, and the bodies of the load.
prepare_bodies() {
    feedback=$(call "$PORT" list_feedback '{}' | grep -o '"Items":\[{"id":[0-9]*' | head -1 | grep -o '[0-9]*$' || true)
    [[ -n $feedback ]] || die "$store: list_feedback named no feedback: $(call "$PORT" list_feedback '{}')"
    STAR='{"feedbackId":'$feedback',"starred":true}'
    DRY=$(body star_feedback "$STAR")
    CONFIRM=$(body star_feedback '{"feedbackId":'$feedback',"starred":true,"confirmationToken":"%s"}')
    READ_ARGS='{"feedbackId":'$feedback'}'
    READ=$(body get_feedback "$READ_ARGS")
    call "$PORT" get_feedback "$READ_ARGS" | grep -q '"Success":true' ||
        die "$store: get_feedback failed: $(call "$PORT" get_feedback "$READ_ARGS")"
}

# The bearer token of the replica under test, and the read tool of the reads.
AUTH=$TOKEN
READ_TOOL=get_feedback

# call PORT TOOL ARGUMENTS: one tools/call, its JSON-RPC answer.
call() {
    curl -sS --max-time 5 -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        -H "MCP-Protocol-Version: $VERSION" -H 'Mcp-Method: tools/call' -H "Mcp-Name: $2" \
        -H "Authorization: Bearer $AUTH" \
        --data-binary '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"'"$2"'","arguments":'"$3"','"$META"'}}' \
        "http://127.0.0.1:$1/mcp"
}

# body TOOL ARGUMENTS: the JSON-RPC body of one tools/call.
body() { echo '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"'"$1"'","arguments":'"$2"','"$META"'}}'; }

# The wrk script: reads send one body; writes send a dry run, keep the token it returns and send
# the confirmation with it on the next request. Counts what came back by its shape.
LUA=$WORK/load.lua
cat >"$LUA" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  mode = args[1]
  dry, confirm, read = args[2], args[3], args[4]
  tokens, writes, dries, reads, failed = {}, 0, 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.headers["MCP-Protocol-Version"] = os.getenv("BENCH_VERSION")
  wrk.headers["Mcp-Method"] = "tools/call"
  wrk.headers["Mcp-Name"] = os.getenv("BENCH_TOOL")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
  if mode == "reads" then return wrk.format(nil, nil, nil, read) end
  local token = table.remove(tokens)
  if token then return wrk.format(nil, nil, nil, string.format(confirm, token)) end
  return wrk.format(nil, nil, nil, dry)
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"Success":true', 1, true) then
    failed = failed + 1
    return
  end
  local token = body:match('"ConfirmationToken":"([^"]+)"')
  if token then
    dries = dries + 1
    table.insert(tokens, token)
  elseif mode == "writes" then
    writes = writes + 1
  else
    reads = reads + 1
  end
end

function done(summary, latency, requests)
  local w, d, r, f = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    w, d, r, f = w + t:get("writes"), d + t:get("dries"), r + t:get("reads"), f + t:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%d duration_us=%d writes=%d dry=%d reads=%d failed=%d p50_us=%.0f errors=%d\n",
    summary.requests, summary.duration, w, d, r, f, latency:percentile(50),
    e.connect + e.read + e.write + e.status + e.timeout))
end
EOF

# Pacing: wrk asks `delay` before each request of a connection once the script defines it.
if ((PAUSE_MS)); then
    printf 'function delay() return %d end\n' "$PAUSE_MS" >>"$LUA"
fi

field() { [[ $2 =~ (^| )$1=([0-9]+) ]] && echo "${BASH_REMATCH[2]}"; }

# run_wrk SECONDS WORKLOAD: one wrk run on LOAD_CORE; prints its LOAD line.
run_wrk() {
    local output line tool=$READ_TOOL mode=$2
    [[ $2 == writes ]] && tool=star_feedback
    [[ $2 == plain ]] && mode=reads
    output=$(BENCH_VERSION=$VERSION BENCH_TOOL=$tool BENCH_TOKEN=$AUTH timeout $(($1 + 30)) \
        taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"$1s" --timeout 5s --latency -s "$LUA" \
        "http://127.0.0.1:$PORT/mcp" -- "$mode" "$DRY" "$CONFIRM" "$READ") || die "wrk failed:"$'\n'"$output"
    line=$(grep '^LOAD ' <<<"$output") || die "wrk printed no result line:"$'\n'"$output"
    (($(field failed "$line") == 0 && $(field errors "$line") == 0)) ||
        die "calls failed under load: $line"$'\n'"$(call "$PORT" "$tool" "$([[ $2 == writes ]] && echo "$STAR" || echo "$READ_ARGS")")"
    echo "$line"
}

# monitor_start FILE MARK: `redis-cli monitor` into FILE (its pid in MONITOR_PID), once it has
# seen the command `echo MARK`.
monitor_start() {
    redis-cli -p "$REDIS_PORT" monitor >"$1" &
    MONITOR_PID=$!
    for _ in $(seq 100); do
        redis-cli -p "$REDIS_PORT" echo "$2" >/dev/null
        grep -q "$2" "$1" && break
        sleep 0.05
    done
    grep -q "$2" "$1" || die "redis-cli monitor saw nothing"
}

# monitor_stop FILE: marks the end with `echo rt-end`, waits until FILE shows it, stops monitoring.
monitor_stop() {
    redis-cli -p "$REDIS_PORT" echo rt-end >/dev/null
    for _ in $(seq 100); do
        grep -q rt-end "$1" && break
        sleep 0.05
    done
    kill "$MONITOR_PID" 2>/dev/null || true
    wait "$MONITOR_PID" 2>/dev/null || true
}

# Round trips to Redis per write and per read: the commands the replica sends (not those its
# scripts run), seen by MONITOR over 20 sequential calls of each.
count_round_trips() {
    local monitor=$WORK/monitor.txt answer token n=20
    monitor_start "$monitor" rt-writes
    for _ in $(seq $n); do
        answer=$(call "$PORT" star_feedback "$STAR" || true)
        token=$(grep -o '"ConfirmationToken":"[^"]*"' <<<"$answer" | head -1 | cut -d'"' -f4 || true)
        [[ -n $token ]] || die "a dry run returned no confirmation token: $answer"
        call "$PORT" star_feedback '{"feedbackId":'$feedback',"starred":true,"confirmationToken":"'$token'"}' |
            grep -q '"changed"' || die "a confirmation failed"
    done
    redis-cli -p "$REDIS_PORT" echo rt-reads >/dev/null
    for _ in $(seq $n); do call "$PORT" get_feedback '{"feedbackId":'$feedback'}' >/dev/null; done
    monitor_stop "$monitor"
    read -r WRITE_TRIPS READ_TRIPS < <(awk -v n=$n '
        /"rt-writes"/ { part = "w"; next }
        /"rt-reads"/ { part = "r"; next }
        /"rt-end"/ { part = ""; next }
        part != "" && !/\[[0-9]+ lua\]/ { count[part]++ }
        END { printf "%.1f %.1f\n", count["w"] / n, count["r"] / n }' "$monitor")
    # One reader of the file and no early exit upstream: under pipefail, a writer cut off by a
    # reader that stopped early fails the pipeline now and then.
    awk '/ lua\] / { next } /"rt-writes"/ { on = 1; next } /"rt-reads"/ { on = 0 } on && shown < 9 { print; shown++ }' \
        "$monitor" | sed 's/^[^"]*//; s/" "/ /g; s/"//g' | cut -c1-90 >"$WORK/one-write.txt"
    note "round trips to Redis: $WRITE_TRIPS per write (dry run + confirmation), $READ_TRIPS per read"
}

# system_ticks PID: the stime part of cpu_ticks (field 15 of /proc/PID/stat).
system_ticks() {
    local stat fields
    stat=$(<"/proc/$1/stat")
    read -r -a fields <<<"${stat##*) }"
    echo "${fields[12]}"
}

# measure_round WORKLOAD ROUND: one round against the replica of $store (PID, PORT), a line of
# ROUNDS_FILE: store, workload, round, calls/s, CPU µs per call, the replica's share of its core,
# Redis commands per request, p50 µs, of the CPU µs per call the system (kernel) part, and how
# busy LOAD_CORE was (wrk, and redis-server unless REDIS_CORE moves it), in percent.
measure_round() {
    local workload=$1 round=$2 before after system_before system commands_before commands line calls
    local load_busy load_total load_busy_after load_total_after
    before=$(cpu_ticks "$PID")
    system_before=$(system_ticks "$PID")
    commands_before=$(redis_commands)
    read -r load_busy load_total < <(core_ticks "$LOAD_CORE")
    line=$(run_wrk "$DURATION" "$workload")
    read -r load_busy_after load_total_after < <(core_ticks "$LOAD_CORE")
    after=$(cpu_ticks "$PID")
    system=$(($(system_ticks "$PID") - system_before))
    commands=$(($(redis_commands) - commands_before))
    [[ $workload == writes ]] && calls=$(field writes "$line") || calls=$(field reads "$line")
    ((calls > 0)) || die "no $workload completed: $line"
    awk -v store="$store" -v w="$workload" -v round="$round" -v calls="$calls" \
        -v requests="$(field requests "$line")" -v us="$(field duration_us "$line")" \
        -v p50="$(field p50_us "$line")" -v ticks=$((after - before)) -v hz="$CLK_TCK" \
        -v commands="$commands" -v kernel="$system" \
        -v load_busy=$((load_busy_after - load_busy)) -v load_total=$((load_total_after - load_total)) 'BEGIN {
            printf("%s %s %d %.1f %.1f %.1f %.2f %d %.1f %.1f\n", store, w, round, calls / (us / 1e6),
                1e6 * ticks / hz / calls, 100 * ticks / hz / (us / 1e6), commands / requests, p50,
                1e6 * kernel / hz / calls, load_total > 0 ? 100 * load_busy / load_total : 0)
        }' >>"$ROUNDS_FILE"
    tail -1 "$ROUNDS_FILE" | awk '{ printf "redis.sh: %s %s round %d: %.0f calls/s, %.1f us CPU/call (%.1f of it system), replica at %.0f%% of its core, load core %.0f%% busy, %.2f Redis commands/request, p50 %d us\n", $1, $2, $3, $4, $5, $9, $6, $10, $7, $8 }' >&2
}

# Both replicas of a workload are up at once, and their rounds alternate (memory, Redis; then
# Redis, memory; …), so that a neighbour's load that comes and goes on this shared machine
# weighs on both alike. Each round's ratio compares two measurements seconds apart.
#
# use_store STORE: makes the replica of STORE the one measured (store, PID, PORT, AUTH, bodies).
declare -A PID_OF PORT_OF AUTH_OF DRY_OF CONFIRM_OF READ_OF STAR_OF FEEDBACK_OF
use_store() {
    store=$1
    PID=${PID_OF[$1]} PORT=${PORT_OF[$1]} AUTH=${AUTH_OF[$1]}
    DRY=${DRY_OF[$1]:-} CONFIRM=${CONFIRM_OF[$1]:-} READ=${READ_OF[$1]:-}
    STAR=${STAR_OF[$1]:-} feedback=${FEEDBACK_OF[$1]:-}
}

# keep_store STORE: remembers the replica just started (PID, PORT, AUTH) and its bodies as STORE's.
keep_store() {
    PID_OF[$1]=$PID PORT_OF[$1]=$PORT AUTH_OF[$1]=$AUTH
    DRY_OF[$1]=${DRY:-} CONFIRM_OF[$1]=${CONFIRM:-} READ_OF[$1]=${READ:-}
    STAR_OF[$1]=${STAR:-} FEEDBACK_OF[$1]=${feedback:-}
}

# measure WORKLOAD: a warm-up of each replica, then ROUNDS rounds of each, alternating.
measure() {
    local workload=$1 round first second
    for first in memory redis; do
        use_store "$first"
        ((WARMUP > 0)) && run_wrk "$WARMUP" "$workload" >/dev/null
    done
    for round in $(seq "$ROUNDS"); do
        read -r first second <<<"memory redis"
        ((round % 2 == 0)) && read -r first second <<<"redis memory"
        use_store "$first"
        measure_round "$workload" "$round"
        use_store "$second"
        measure_round "$workload" "$round"
    done
}

# stop_replicas: ends both replicas of the part just measured.
stop_replicas() {
    local s
    for s in memory redis; do kill -TERM "${PID_OF[$s]}" 2>/dev/null || true; done
    for s in memory redis; do wait "${PID_OF[$s]}" 2>/dev/null || true; done
}

# Round trips to Redis per read that touches no shared state: everything the replica sends over
# 20 sequential calls.
count_plain_round_trips() {
    local monitor=$WORK/monitor-plain.txt n=20
    monitor_start "$monitor" rt-plain
    for _ in $(seq $n); do call "$PORT" "$READ_TOOL" "$READ_ARGS" >/dev/null; done
    monitor_stop "$monitor"
    PLAIN_TRIPS=$(awk -v n=$n '/"rt-plain"/ { on = 1; next } /"rt-end"/ { on = 0 }
        on && !/\[[0-9]+ lua\]/ { count++ } END { printf "%.1f\n", count / n }' "$monitor")
    note "round trips to Redis: $PLAIN_TRIPS per read that touches no shared state"
}

ROUNDS_FILE=$WORK/rounds
: >"$ROUNDS_FILE"
LOAD_AVERAGE=$(cut -d' ' -f1-3 /proc/loadavg)

for s in memory redis; do
    store=$s
    mapfile -t args < <(store_arguments "$store")
    start_replica "$store" "${args[@]}"
    note "$store: pid $PID on core $SERVER_CORE, port $PORT"
    prepare_bodies
    [[ $store == redis ]] && count_round_trips
    keep_store "$store"
done
measure writes
measure reads
stop_replicas

# Reads that touch no shared state: a Reteno replica (no rate budget; its sessions, tasks and
# events are in Redis with --redis, but a 2026-07-28 read uses none of them).
READ_TOOL=get_account_info
READ_ARGS='{}'
READ=$(body "$READ_TOOL" "$READ_ARGS")
DRY='' CONFIRM='' STAR='' feedback=''
for s in memory redis; do
    store=$s
    args=(--shared-secret "$SECRET")
    [[ $store == redis ]] && args+=(--redis "redis://127.0.0.1:$REDIS_PORT/")
    PORT=$(free_port)
    taskset -c "$SERVER_CORE" "$RETENO" --listen "127.0.0.1:$PORT" "${args[@]}" >"$WORK/reteno-$store.log" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    wait_for "$PID" "$PORT" "$WORK/reteno-$store.log"
    AUTH=$("$RETENO" --listen "127.0.0.1:$PORT" "${args[@]}" --issue-token owner) ||
        die "reteno --issue-token failed"
    note "reteno $store: pid $PID on core $SERVER_CORE, port $PORT"
    call "$PORT" "$READ_TOOL" "$READ_ARGS" | grep -q '"Success":true' ||
        die "reteno $store: $READ_TOOL failed: $(call "$PORT" "$READ_TOOL" "$READ_ARGS")"
    [[ $store == redis ]] && count_plain_round_trips
    keep_store "$store"
done
measure plain
stop_replicas

# Instructions per write and per read, in memory and with Redis: each replica under callgrind, a
# warm-up, its counters zeroed, INSTRUCTION_SECONDS of load, its counters dumped; the dump's
# instruction count over the calls wrk completed. Lines of INSTRUCTIONS_FILE: store, workload,
# instructions per call.
INSTRUCTIONS_FILE=$WORK/instructions
: >"$INSTRUCTIONS_FILE"
count_instructions() {
    local workload line calls dump total misses cache
    # Back to the Retently replica's token and read after the Reteno part.
    AUTH=$TOKEN
    READ_TOOL=get_feedback
    for store in memory redis; do
        mapfile -t args < <(store_arguments "$store")
        UNDER=(valgrind --tool=callgrind "--cache-sim=$( ((CACHE_SIM)) && echo yes || echo no)"
            --callgrind-out-file="$WORK/callgrind-$store.%p")
        start_replica "callgrind-$store" "${args[@]}"
        UNDER=()
        note "$store under callgrind: pid $PID, port $PORT"
        prepare_bodies
        for workload in writes reads; do
            run_wrk 3 "$workload" >/dev/null
            callgrind_control --zero "$PID" >/dev/null
            line=$(run_wrk "$INSTRUCTION_SECONDS" "$workload")
            callgrind_control --dump="measured-$workload" "$PID" >/dev/null
            [[ $workload == writes ]] && calls=$(field writes "$line") || calls=$(field reads "$line")
            ((calls > 0)) || die "no $workload completed under callgrind: $line"
            dump=$(grep -l "^desc: Trigger: .*measured-$workload" "$WORK/callgrind-$store".* | head -1) ||
                die "callgrind wrote no dump for $store $workload"
            # The events by name: instructions (Ir) and, with CACHE_SIM=1, the first-level misses
            # of instructions (I1mr), data reads (D1mr) and data writes (D1mw).
            read -r total misses < <(awk '
                $1 == "events:" { for (i = 2; i <= NF; i++) at[$i] = i }
                ($1 == "summary:" || $1 == "totals:") && !done {
                    done = 1
                    print $at["Ir"], ("I1mr" in at) ? $at["I1mr"] + $at["D1mr"] + $at["D1mw"] : 0
                }' "$dump")
            echo "$store $workload $((total / calls)) $((misses / calls))" >>"$INSTRUCTIONS_FILE"
            [[ -z $KEEP ]] || cp "$dump" "$KEEP/$store-$workload.callgrind"
            cache=''
            ((CACHE_SIM)) && cache=" ($((misses / calls)) first-level cache misses per call)"
            note "$store $workload: $((total / calls)) instructions per call over $calls calls$cache"
        done
        kill -TERM "$PID"
        wait "$PID" 2>/dev/null || true
    done
}
((INSTRUCTIONS)) && count_instructions

# instructions STORE WORKLOAD [COLUMN]: the instructions per call measured for them (or, with
# COLUMN 4, the simulated first-level cache misses per call).
instructions() { awk -v s="$1" -v w="$2" -v c="${3:-3}" '$1 == s && $2 == w { print $c }' "$INSTRUCTIONS_FILE"; }

# round_ratios WORKLOAD COLUMN median|range: Redis ÷ memory of COLUMN in each round of WORKLOAD,
# as their median (`1.23×`) or their range (`1.10–1.40×`).
round_ratios() {
    awk -v w="$1" -v c="$2" '$2 == w { value[$1, $3] = $c; rounds[$3] = 1 }
        END { for (r in rounds) if (value["memory", r] > 0) print value["redis", r] / value["memory", r] }' \
        "$ROUNDS_FILE" | sort -g | awk -v how="$3" '{ v[NR] = $1 } END {
            if (NR == 0) { print "n/a"; exit }
            if (how == "range") printf "%.2f–%.2f×", v[1], v[NR]
            else printf "%.2f×", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
# The ratios move with the processor as well as with the neighbours: the report names it.
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

report() {
    echo "# Redis against memory: one Retently replica"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit; $(nproc --all) cores (${CPU_MODEL:-unknown CPU}), load average $LOAD_AVERAGE at"
    local reached_by="TCP on 127.0.0.1"
    ((REDIS_SOCKET)) && reached_by="a Unix socket"
    echo "the start; redis-server $REDIS_VERSION, reached by $reached_by. Replica on core $SERVER_CORE; wrk"
    echo "(\`-t1 -c$CONNECTIONS\`) on core $LOAD_CORE, redis-server on core $REDIS_CORE. ${WARMUP}s warm-up, $ROUNDS rounds of"
    echo "${DURATION}s per replica, the two replicas' rounds alternating, medians. A write is a dry run"
    echo "and its confirmation; CPU per call is the replica's"
    echo "utime+stime over the calls completed; its system part is the stime alone. The load core's"
    echo "busy share is its non-idle time in /proc/stat (wrk, redis-server when it shares the core, and"
    echo "anything else the machine runs there)."
    ((FILL_LOAD_CORE)) && echo "A busy loop at nice 19 filled core $LOAD_CORE's idle time for the whole run (FILL_LOAD_CORE=1)."
    ((PAUSE_MS)) && echo "Paced load: each connection waits ${PAUSE_MS} ms after every answer before its next request."
    echo
    echo "| workload | store | calls/s | CPU µs/call | of which system | replica CPU | load core busy | Redis commands/request (scripts' included) | p50 µs |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    local w s
    for w in writes reads plain; do
        for s in memory redis; do
            printf '| %s | %s | %.0f | %.1f | %.1f | %.0f%% | %.0f%% | %.2f | %.0f |\n' "$w" "$s" "$(median "$s" "$w" 4)" \
                "$(median "$s" "$w" 5)" "$(median "$s" "$w" 9)" "$(median "$s" "$w" 6)" "$(median "$s" "$w" 10)" \
                "$(median "$s" "$w" 7)" "$(median "$s" "$w" 8)"
        done
    done
    echo
    echo "CPU per call, Redis ÷ memory: each round's ratio (the two replicas measured one after the"
    echo "other), their median and range; beside it, the ratio of the two medians above."
    echo
    echo "| workload | CPU per call, Redis ÷ memory (median of rounds) | range over rounds | ratio of medians | calls/s, Redis ÷ memory | Redis round trips per call |"
    echo "|---|---:|---:|---:|---:|---:|"
    local label trips
    for w in writes reads plain; do
        case $w in
            writes) label=writes trips=$WRITE_TRIPS ;;
            reads) label=reads trips=$READ_TRIPS ;;
            plain) label="plain reads (Reteno)" trips=$PLAIN_TRIPS ;;
        esac
        echo "| $label | **$(round_ratios "$w" 5 median)** | $(round_ratios "$w" 5 range) |" \
            "$(ratio "$(median redis "$w" 5)" "$(median memory "$w" 5)") |" \
            "$(ratio "$(median redis "$w" 4)" "$(median memory "$w" 4)") | $trips |"
    done
    echo
    if ((INSTRUCTIONS)); then
        echo "Instructions per call (callgrind, user space, ${INSTRUCTION_SECONDS}s of the same load after a warm-up):"
        echo
        echo "| workload | in memory | with Redis | Redis ÷ memory |"
        echo "|---|---:|---:|---:|"
        for w in writes reads; do
            echo "| $w | $(instructions memory "$w") | $(instructions redis "$w") |" \
                "$(ratio "$(instructions redis "$w")" "$(instructions memory "$w")") |"
        done
        echo
        if ((CACHE_SIM)); then
            echo "First-level cache misses per call (callgrind's simulated caches, instructions and data"
            echo "together). A call's time is its instructions plus its stalls on misses, so if the real"
            echo "caches miss as the simulated ones do, its CPU ratio lies between the two ratios:"
            echo
            echo "| workload | in memory | with Redis | Redis ÷ memory |"
            echo "|---|---:|---:|---:|"
            for w in writes reads; do
                echo "| $w | $(instructions memory "$w" 4) | $(instructions redis "$w" 4) |" \
                    "$(ratio "$(instructions redis "$w" 4)" "$(instructions memory "$w" 4)") |"
            done
            echo
        fi
    fi
    echo "The round trips of one write (MONITOR; the scripts are the rate limiter's):"
    echo
    echo '```'
    cat "$WORK/one-write.txt"
    echo '```'
}

mkdir -p "$(dirname "$OUT")"
report | tee "$OUT"
note "written to $OUT"
