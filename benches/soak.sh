#!/usr/bin/env bash
# Soak test: the Reply example at saturation for minutes with a realistic call mix, on loopback.
#
# Starts the release build of the Reply example on 127.0.0.1, checks every call of the mix once
# (each must answer 200 with a JSON-RPC result that is not an error), then keeps CONNECTIONS
# keep-alive connections busy with wrk for DURATION seconds, cycling through the mix. Meanwhile it
# samples the server's resident memory every SAMPLE seconds. It reports errors (non-2xx, socket
# errors, JSON-RPC errors and tool errors: target 0), requests per second, p50/p99/max latency, and
# the RSS samples (target: flat after warm-up), and stops the server with SIGTERM.
#
#   bash benches/soak.sh                         # 180 s, 32 connections
#   DURATION=600 CONNECTIONS=64 bash benches/soak.sh
#
# Settings (environment):
#   DURATION=180 CONNECTIONS=32 THREADS=1 SAMPLE=10 PORT=39210
#   NICE=0          run server and load at this nice level (19 on a shared machine)
#   BUILD=1         0 skips `cargo build --release --example reply`
#   OUT=target/soak-results.md
#   WRAP=""        a command the server runs under, for heap profiling, e.g.
#                  WRAP="valgrind --tool=massif --massif-out-file=/tmp/soak.massif"
#                  (the RSS samples are then valgrind's, and the rates far lower)
# Needs wrk (installed from Debian's packages when missing, as benches/load.sh does).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-180}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
SAMPLE=${SAMPLE:-10}
PORT=${PORT:-39210}
NICE=${NICE:-0}
BUILD=${BUILD:-1}
read -r -a WRAP <<<"${WRAP:-}"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$TARGET_DIR/soak-results.md}
KEY=soak-key-0123456789abcdef
PROTOCOL_VERSION=2025-06-18

# shellcheck source=benches/common.sh
source "$ROOT/benches/common.sh"

for setting in DURATION CONNECTIONS THREADS SAMPLE PORT NICE; do
    [[ ${!setting} =~ ^[0-9]+$ ]] || die "$setting must be a whole number, not '${!setting}'"
done
((DURATION >= 1 && DURATION <= 86400)) || die "DURATION must be between 1 and 86400 seconds"
((CONNECTIONS >= 1 && CONNECTIONS <= 1024)) || die "CONNECTIONS must be between 1 and 1024"

ensure_wrk
command -v curl >/dev/null || die "curl is needed for the first check of each call"

if ((BUILD)); then
    note "building the Reply example (release)"
    nice -n "$NICE" cargo build --release --example reply >&2
fi
BIN=$TARGET_DIR/release/examples/reply
[[ -x $BIN ]] || die "no $BIN; run with BUILD=1"

work=$(mktemp -d)
server_pid=""
sampler_pid=""
cleanup() {
    [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The mix: what an agent working a sales workspace does, reads first and mostly,
# with idempotent writes (an in-memory sandbox would grow with creations, and
# the point is to see the server's memory, not the sandbox's). Repeats weight it.
cat >"$work/mix" <<'MIX'
{"jsonrpc":"2.0","id":1,"method":"tools/list"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"reply_get_app_map","arguments":{}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"reply_search_sequences","arguments":{"name":"SaaS Founders"}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"reply_get_sequence_stats","arguments":{"sequenceId":1}}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"reply_filter_contacts","arguments":{"term":"acme","top":3}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"reply_get_inbox_emails","arguments":{"top":5}}}
{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"reply_search_lists","arguments":{}}}
{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"reply_list_my_tasks","arguments":{}}}
{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"reply_filter_contacts","arguments":{"term":"acme","top":3}}}
{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"reply_get_sequence_stats","arguments":{"sequenceId":1}}}
{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"reply_update_contact","arguments":{"contactId":1,"title":"VP Sales"}}}
{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"reply_search_contacts","arguments":{"email":"a@b.c"}}}
MIX

note "starting the Reply example on 127.0.0.1:$PORT"
nice -n "$NICE" ${WRAP[@]+"${WRAP[@]}"} "$BIN" --listen "127.0.0.1:$PORT" --api-key "$KEY" --rate-limit 4000000000 \
    >"$work/server.log" 2>&1 &
server_pid=$!
URL="http://127.0.0.1:$PORT/"
for _ in $(seq 1 600); do
    curl -s -o /dev/null "$URL" && break
    kill -0 "$server_pid" 2>/dev/null || die "the server exited: $(cat "$work/server.log")"
    sleep 0.1
done

# Every call of the mix once: a 200 whose JSON-RPC message is a result, not an error.
while IFS= read -r body; do
    answer=$(curl -s -w '\n%{http_code}' "$URL" -H "x-api-key: $KEY" \
        -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
        -H "mcp-protocol-version: $PROTOCOL_VERSION" --data "$body")
    status=${answer##*$'\n'}
    [[ $status == 200 ]] || die "status $status for $body: $answer"
    if grep -q '"isError":true\|"error":{' <<<"$answer"; then
        die "an error answer for $body: $answer"
    fi
done <"$work/mix"
note "every call of the mix answers; soaking for ${DURATION}s with $CONNECTIONS connections"

# wrk: cycle through the mix; count every answer that is not a clean result.
{
    echo 'local bodies = {}'
    while IFS= read -r body; do
        printf 'table.insert(bodies, [==[%s]==])\n' "$body"
    done <"$work/mix"
    cat <<LUA
local headers = {
  ["x-api-key"] = "$KEY",
  ["content-type"] = "application/json",
  ["accept"] = "application/json, text/event-stream",
  ["mcp-protocol-version"] = "$PROTOCOL_VERSION",
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
local i = 0
errors = 0
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/", headers, bodies[i])
end
function response(status, hdrs, body)
  if status ~= 200 or body:find('"isError":true', 1, true) or body:find('"error":{', 1, true) then
    errors = errors + 1
  end
end
function done(summary, latency, requests)
  local answer_errors = 0
  for _, t in ipairs(threads) do answer_errors = answer_errors + t:get("errors") end
  local e = summary.errors
  io.write(string.format("requests %d\nseconds %.1f\nanswer_errors %d\nsocket_errors %d\nnon_2xx %d\np50_us %d\np99_us %d\nmax_us %d\n",
    summary.requests, summary.duration / 1e6, answer_errors,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
LUA
} >"$work/mix.lua"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
start=$(date +%s)
(
    while kill -0 "$server_pid" 2>/dev/null; do
        echo "$(($(date +%s) - start)) $(rss_kib)"
        sleep "$SAMPLE"
    done
) >"$work/rss" &
sampler_pid=$!

nice -n "$NICE" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s \
    -s "$work/mix.lua" "$URL" >"$work/wrk.out"
echo "$(($(date +%s) - start)) $(rss_kib)" >>"$work/rss"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""

value() { awk -v k="$1" '$1 == k {print $2}' "$work/wrk.out"; }
requests=$(value requests)
[[ -n $requests ]] || die "wrk reported nothing: $(cat "$work/wrk.out")"
seconds=$(value seconds)
errors=$(($(value answer_errors) + $(value socket_errors) + $(value non_2xx)))

# Graceful stop: SIGTERM, and the server must exit on its own.
kill -TERM "$server_pid"
# Under a profiler the stop takes longer than the 15 s allowed otherwise.
stop_bound=15
((${#WRAP[@]} == 0)) || stop_bound=60
for _ in $(seq 1 $((stop_bound * 10))); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server_pid" 2>/dev/null; then
    stopped="did NOT exit within $stop_bound s of SIGTERM"
else
    wait "$server_pid" && stopped="exited 0 after SIGTERM" || stopped="exited $? after SIGTERM"
fi
server_pid=""

first=$(awk 'NR == 2 {print $2}' "$work/rss")
last=$(tail -n 1 "$work/rss" | awk '{print $2}')
{
    echo "# Soak: Reply example, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| what | value |"
    echo "|---|---|"
    echo "| duration | ${seconds} s, $CONNECTIONS connections, $(wc -l <"$work/mix") calls in the mix |"
    echo "| requests | $requests ($(awk -v r="$requests" -v s="$seconds" 'BEGIN {printf "%.0f", r / s}') req/s) |"
    echo "| errors | $errors (answers $(value answer_errors), socket $(value socket_errors), non-2xx $(value non_2xx)) |"
    echo "| latency | p50 $(($(value p50_us) / 1000)).$(($(value p50_us) % 1000 / 100)) ms, p99 $(($(value p99_us) / 1000)).$(($(value p99_us) % 1000 / 100)) ms, max $(($(value max_us) / 1000)) ms |"
    echo "| RSS | ${first:-?} KiB at the first sample after start, ${last:-?} KiB at the end |"
    echo "| shutdown | $stopped |"
    echo
    echo "RSS samples (seconds since load started, KiB):"
    echo
    echo '```'
    cat "$work/rss"
    echo '```'
} | tee "$OUT"
((errors == 0)) || die "$errors errors during the soak"
