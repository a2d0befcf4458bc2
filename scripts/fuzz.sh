#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ (libFuzzer through cargo-fuzz), one after the
# other, each for a bounded time or number of executions, and prints one line
# per target: executions, seconds and crashes. Exits non-zero on a crash; the
# crashing input is left in fuzz/artifacts/<target>/ (minimise it with
# `cargo fuzz tmin`, fix the crate, and add it to fuzz/corpus/<target>/ as
# seed-<what> so the crate's corpus replay test keeps it fixed).
#
#   scripts/fuzz.sh --seconds 25                 # the CI run: every target, 25 s each
#   scripts/fuzz.sh --seconds 3600 --runs 10000000 --nice json_rpc   # a long run of one target
#   scripts/fuzz.sh --fork 2 --seconds 3600 --runs 10000000 http       # the same on two cores
#
# Options:
#   --seconds N    stop each target after N seconds (default 25)
#   --runs N       stop each target after N executions (default: no bound)
#   --nice         run the fuzzer at the lowest CPU priority (shared machines)
#   --sanitizer S  none (default: our crates forbid unsafe code, and without
#                  a sanitizer a run gets several times more executions),
#                  address, or another cargo-fuzz sanitizer
#   --fork N       run N fuzzing processes at once (libFuzzer's -fork=N): the
#                  parent hands short jobs to N children and merges what they
#                  find; --runs and the reported executions are the sum over
#                  all children. For slow targets on a machine with N cores.
#   TARGET...      the targets to run (default: all of them)
#
# New inputs a run finds go to ${MCP_TOOLS_FUZZ_WORK:-fuzz/work}/corpus/<target>
# (untracked); the tracked seeds in fuzz/corpus/<target> are only read.
# libFuzzer needs nightly compiler flags: this sets RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

seconds=25
runs=""
nice_cmd=()
sanitizer="none"
fork=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --nice) nice_cmd=(nice -n 19); shift ;;
        --sanitizer) sanitizer="$2"; shift 2 ;;
        --fork) fork="$2"; shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ -n "$fork" ] && ! [[ $fork =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: --fork takes a number of processes (1 or more), not '$fork'" >&2
    exit 2
fi
if [ ${#targets[@]} -eq 0 ]; then
    targets=(json_rpc arguments confirmation request_state http)
fi

bin="$(bash scripts/install-cargo-fuzz.sh)"
export PATH="$bin:$PATH"
export RUSTC_BOOTSTRAP=1
work="${MCP_TOOLS_FUZZ_WORK:-$root/fuzz/work}"

cd fuzz
# Optimised, with debug assertions (overflow checks) on.
"${nice_cmd[@]}" cargo fuzz build --sanitizer "$sanitizer" --debug-assertions

failed=0
for target in "${targets[@]}"; do
    mkdir -p "$work/corpus/$target" "$work/logs"
    log="$work/logs/$target.log"
    limits=(-max_total_time="$seconds" -max_len=8192 -timeout=30 -print_final_stats=1)
    if [ -n "$runs" ]; then
        limits+=(-runs="$runs")
    fi
    if [ -n "$fork" ]; then
        limits+=(-fork="$fork")
    fi
    status=0
    "${nice_cmd[@]}" cargo fuzz run --sanitizer "$sanitizer" --debug-assertions "$target" \
        "$work/corpus/$target" "corpus/$target" -- "${limits[@]}" >"$log" 2>&1 || status=$?
    if [ -n "$fork" ]; then
        # The parent's status lines (`#N: cov: … time: Ss job: J`) count the
        # executions of every child; the children's own stats are per job.
        executions="$(grep -o '^#[0-9]*: cov:' "$log" | grep -o '[0-9]*' | tail -n 1 || true)"
    else
        executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)"
    fi
    # libFuzzer ends a run with `Done N runs in S second(s)`.
    took="$(grep -ao 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*' | tail -n 1 || true)"
    if [ -n "$fork" ]; then
        took="$(grep -o '^#[0-9]*: cov: .* time: [0-9]*s' "$log" | grep -o '[0-9]*s$' | tr -d s | tail -n 1 || true)"
    fi
    crashes="$(grep -c -E '^(==[0-9]+== ?ERROR|SUMMARY: libFuzzer|thread .* panicked)' "$log" || true)"
    if [ "$status" -ne 0 ]; then
        failed=1
        echo "fuzz $target: FAILED (exit $status) after ${executions:-?} executions; log: $log" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 20 >&2 || true
    fi
    echo "fuzz $target: ${executions:-?} executions in ${took:-$seconds} s, $([ "$status" -eq 0 ] && echo 0 || echo "${crashes:-1}") crashes"
done
exit "$failed"
