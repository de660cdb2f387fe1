#!/usr/bin/env bash
# The team server under load, as docs/benchmarks.md ("Team server under load")
# describes it. Run from the workspace root after
#
#   cargo build --release --locked -p testat -p testat-bench
#   cargo install oha --locked --version 1.16.0     # or OHA=path/to/oha
#
# then `crates/testat-bench/load.sh`. It
#
# 1. builds (or reuses) the store of `testat-bench assess`: 365 daily runs over 10,000
#    resources (bench-data/store-10k), and copies it to bench-data/load/;
# 2. adds an admin user, an admin token and a viewer token to the copy;
# 3. starts `testat serve` on loopback, publishes the trust page (Type 2 over the whole
#    history) with curl, and asks each endpoint once to fill its cache;
# 4. runs oha against `/trust` (public) and `/api/status` (viewer token) at each
#    concurrency level, each run bounded in time (DURATION; oha takes a duration or a
#    count of requests, not both, and ends a timed run at its deadline), then
#    `/trust/style.css` and `/api/health` as baselines (BASELINE_LEVELS);
# 5. stops the server.
#
# Results go to bench-data/results/load/: oha's JSON per run, the load average before
# and after each run, the server's log, the machine, versions and commit.
#
# Settings (environment): OHA (default oha), PORT (18080), DURATION (20s), LEVELS
# ("8 32 64"), BASELINE_LEVELS ("32"; empty for none), TESTAT_LOG (info, the server's
# default: one log line per request), RESULTS (bench-data/results/load).
set -euo pipefail

OHA=${OHA:-oha}
PORT=${PORT:-18080}
DURATION=${DURATION:-20s}
LEVELS=${LEVELS:-"8 32 64"}
BASELINE_LEVELS=${BASELINE_LEVELS:-32}
export TESTAT_LOG=${TESTAT_LOG:-info}

S=bench-data/store-10k
L=bench-data/load
R=${RESULTS:-bench-data/results/load}
URL=http://127.0.0.1:$PORT
mkdir -p "$R" "$L" bench-data/bin
# copies, so that a build during the run does not swap the binaries
built=${CARGO_TARGET_DIR:-target}/release
cp "$built/testat-bench" "$built/testat" bench-data/bin/

# testat on the copy of the store, with the settings file of bench-data/load/
t() { (cd "$L" && ../bin/testat --db testat.db "$@"); }

date -u +%Y-%m-%dT%H:%M:%SZ > "$R/date"
{ uname -srm; nproc; grep -m1 'model name' /proc/cpuinfo; free -g | sed -n 2p; } > "$R/machine"
{ rustc --version; bench-data/bin/testat --version; "$OHA" --version; } > "$R/versions"
git rev-parse --short HEAD > "$R/commit"

# 1. The store (reused when bench-params.json says it was built the same way).
bench-data/bin/testat-bench assess --dir "$S" --json > "$R/assess.json"
last_day=$(sed -n 's/^ *"last_day": "\(.*\)",*$/\1/p' "$S/bench-params.json")
rm -f "$L"/testat.db "$L"/testat.db-wal "$L"/testat.db-shm
cp "$S/testat.db" "$L/testat.db"
if [[ -f "$S/testat.db-wal" ]]; then cp "$S/testat.db-wal" "$L/testat.db-wal"; fi
cat > "$L/testat.toml" <<'EOF'
[service]
name = "Bench Cloud"
provider = "Bench GmbH"
description = "A generated service for the load test of the team server."
models = ["SaaS"]
deployment = "public"
jurisdiction = "DE"
EOF

# 2. Who may do what.
printf '%s\n' 'a long admin password for the bench' | t user add admin --role admin > /dev/null
admin=$(t token add publish --role admin --days 1 | grep -m1 '^tt_')
viewer=$(t token add load --role viewer --days 1 | grep -m1 '^tt_')

# 3. The server, on loopback only.
(cd "$L" && exec ../bin/testat --db testat.db serve --addr "127.0.0.1:$PORT") \
    2> "$R/server.log" &
server=$!
trap 'kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$URL/api/health"; then break; fi
    sleep 0.2
done

curl -fsS -o "$R/publish.json" -w 'publish: %{http_code} in %{time_total} s\n' \
    -X POST -H "Authorization: Bearer $admin" -H 'content-type: application/json' \
    -d "{\"attestation\": {\"type\": 2, \"from\": \"2025-01-01\", \"to\": \"$last_day\"}}" \
    "$URL/api/trust/publish" | tee "$R/first-requests"
# the first request of each endpoint fills its cache
curl -fsS -o "$R/trust.html" -w '/trust first: %{http_code}, %{size_download} bytes in %{time_total} s\n' \
    "$URL/trust" | tee -a "$R/first-requests"
curl -fsS -o "$R/status.json" -H "Authorization: Bearer $viewer" \
    -w '/api/status first: %{http_code}, %{size_download} bytes in %{time_total} s\n' \
    "$URL/api/status" | tee -a "$R/first-requests"

# 4. The load.
run() { # name concurrency oha-arguments...
    local name=$1 c=$2
    shift 2
    echo "$name c=$c before: $(uptime)" >> "$R/loadavg"
    "$OHA" -z "$DURATION" -c "$c" --no-tui --output-format json "$@" \
        > "$R/$name-c$c.json"
    echo "$name c=$c after: $(uptime)" >> "$R/loadavg"
    echo "$name c=$c done"
}
: > "$R/loadavg"
for c in $LEVELS; do
    run trust "$c" "$URL/trust"
    run status "$c" -H "Authorization: Bearer $viewer" "$URL/api/status"
done

# Baselines, to tell the store's share of a request from the rest: a static file (no
# store access) and the health check (one small query).
for c in $BASELINE_LEVELS; do
    run style "$c" "$URL/trust/style.css"
    run health "$c" "$URL/api/health"
done

# 5. Stop the server (the trap waits for it).
echo "results in $R"
