#!/usr/bin/env bash
# The scan benchmark, as docs/benchmarks.md describes it. Run from the workspace root
# after `cargo build --release -p testat-bench -p testat`:
#
#   crates/testat-bench/bench.sh            # testat only
#   CHECKOV=/tmp/checkov-venv/bin/checkov crates/testat-bench/bench.sh   # and checkov
#
# RUNS (default 3) sets the runs per measurement; QUIET_TRIES (default 200, about 8 s
# each) how long to wait for an idle machine before measuring anyway.
#
# Every measurement is its own process under `/usr/bin/time -v`. Before each one the
# script waits until the machine is idle (under 10 % CPU over 3 s), and afterwards it
# records how much CPU other processes used meanwhile (`noise.log`); a measurement
# disturbed by more than 0.2 CPU-seconds per second of its wall time (0.5 for a
# single-threaded run when there is a spare core) is repeated, up to three times.
# Results go to bench-data/results/.
set -euo pipefail

R=bench-data/results
RUNS=${RUNS:-3}
QUIET_TRIES=${QUIET_TRIES:-200} # how often to look for an idle machine before measuring anyway
HZ=$(getconf CLK_TCK)
mkdir -p "$R" bench-data/bin
# copies, so that a build during the run does not swap the binaries
cp target/release/testat-bench target/release/testat bench-data/bin/
B=bench-data/bin/testat-bench
T=bench-data/bin/testat

busy() { # busy and idle jiffies of the whole machine
    local _cpu u n s i w irq sirq st _rest
    read -r _cpu u n s i w irq sirq st _rest < /proc/stat
    echo "$((u + n + s + irq + sirq + st)) $((i + w))"
}

wait_quiet() {
    local tries=0 b1 i1 b2 i2
    while :; do
        read -r b1 i1 < <(busy)
        sleep 3
        read -r b2 i2 < <(busy)
        if (( 100 * (b2 - b1) < 10 * ((b2 - b1) + (i2 - i1)) )); then
            return 0
        fi
        tries=$((tries + 1))
        if (( tries >= QUIET_TRIES )); then
            echo "warning: the machine stayed busy; measuring anyway" >&2
            return 0
        fi
        sleep 5
    done
}

field() { # value of a /usr/bin/time -v line
    sed -n "s/^[[:space:]]*$2: //p" "$1"
}

measure() { # name command...: one measurement, repeated if disturbed
    local name=$1 attempt b1 i1 b2 i2 elapsed user sys others
    shift
    for attempt in 1 2 3; do
        wait_quiet
        read -r b1 i1 < <(busy)
        /usr/bin/time -v -o "$R/$name.time" "$@" > "$R/$name.out" || true
        read -r b2 i2 < <(busy)
        elapsed=$(field "$R/$name.time" 'Elapsed (wall clock) time (h:mm:ss or m:ss)' \
            | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
        user=$(field "$R/$name.time" 'User time (seconds)')
        sys=$(field "$R/$name.time" 'System time (seconds)')
        others=$(awk -v b=$((b2 - b1)) -v hz="$HZ" -v u="$user" -v s="$sys" \
            'BEGIN { o = b / hz - u - s; if (o < 0) o = 0; printf "%.2f", o }')
        echo "$name attempt=$attempt elapsed=$elapsed user=$user sys=$sys others_cpu=$others" \
            | tee -a "$R/noise.log"
        # a single-threaded run on a machine with a spare core tolerates more
        if awk -v o="$others" -v e="$elapsed" -v c="$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
            -v n="$(nproc)" 'BEGIN { limit = (n >= 2 && c <= 1.1 * e) ? 0.5 : 0.2; exit !(o <= limit * e + 0.05) }'; then
            return 0
        fi
    done
}

date -u +%Y-%m-%dT%H:%M:%SZ > "$R/date"
{ uname -srm; nproc; grep -m1 'model name' /proc/cpuinfo; free -g | sed -n 2p; } > "$R/machine"
rustc --version > "$R/versions"

"$B" generate --resources 10000 --out bench-data/plan-10k.json --seed 1 > "$R/generate-10k.out"
"$B" generate --resources 100000 --out bench-data/plan-100k.json --seed 1 > "$R/generate-100k.out"
sha256sum bench-data/plan-10k.json bench-data/plan-100k.json > "$R/sha256"

for n in 10k 100k; do
    f=bench-data/plan-$n.json
    cat "$f" > /dev/null # in the page cache for every run
    for i in $(seq 1 "$RUNS"); do
        measure "parse-$n-$i" "$B" parse "$f" --json
        measure "scan-$n-$i" "$B" scan "$f" --json
        measure "testat-$n-$i" "$T" scan "$f" --format json --output /dev/null
    done
done

if [[ -n "${CHECKOV:-}" ]]; then
    "$CHECKOV" --version >> "$R/versions"
    # the same 10k file, back to back with testat
    measure "testat-10k-vs-checkov" "$T" scan bench-data/plan-10k.json --format json --output /dev/null
    measure "checkov-10k" "$CHECKOV" -f bench-data/plan-10k.json --framework terraform_plan --skip-download -o json
fi
echo "results in $R"
