# Shell functions the benchmark scripts share; sourced, never run.
# `die` and `note` name the script that sourced this file.

BENCH_SCRIPT=$(basename "$0")

die() {
    echo "$BENCH_SCRIPT: $*" >&2
    exit 1
}
note() { echo "$BENCH_SCRIPT: $*" >&2; }

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
    command -v wrk >/dev/null && return
    note "installing wrk from Debian's packages"
    local sudo=()
    (($(id -u) == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq wrk >/dev/null
}

# Whether something accepts connections on 127.0.0.1:$1.
accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A loopback port nothing listens on.
free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        accepting "$port" || {
            echo "$port"
            return
        }
    done
    die "found no free port"
}

# utime + stime of a process and all its threads so far, in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the command name, which may hold spaces, in parentheses).
cpu_ticks() {
    local stat fields
    stat=$(<"/proc/$1/stat")
    read -r -a fields <<<"${stat##*) }"
    echo $((fields[11] + fields[12]))
}

# core_ticks CORE: the busy and the total clock ticks of one core so far, from its line in
# /proc/stat (busy = all but idle and iowait). Tells how busy a core was during a round, and with
# what besides the process measured.
core_ticks() {
    awk -v cpu="cpu$1" '$1 == cpu { total = 0; for (i = 2; i <= NF; i++) total += $i; print total - $5 - $6, total }' /proc/stat
}

# median A B COLUMN: the median over the rounds in $ROUNDS_FILE whose first two columns are A
# and B, of column COLUMN.
median() {
    awk -v a="$1" -v b="$2" -v c="$3" '$1 == a && $2 == b { print $c }' "$ROUNDS_FILE" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A ÷ B as `1.23×`.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
