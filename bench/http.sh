#!/usr/bin/env bash
# The HTTP service under load, side by side with Prometheus Alertmanager and nginx (bench/README in
# BENCHMARKS.md, "Issue 16"). Needs the release build, wrk, nginx-light, prometheus-alertmanager:
#   apt-get install wrk nginx-light prometheus-alertmanager
#   swift build -c release --static-swift-stdlib && bench/http.sh
# Prints, for each server: p50/p99 at a fixed 1,000 requests a second (bench/http-rate.py, on the
# fresh server), then single-event POSTs per second over keep-alive (wrk, 2 threads, 64
# connections, 10 s); then
# Tickler's batch of 10,000 events in one request, and /metrics and /v1/upcoming?days=1 with
# 1,000,000 contacts (CONTACTS=… to change), each the median of 5.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
tickler=$root/.build/release/tickler
source bench/workspace.sh
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export BENCH_TOKEN=bench-token-1 TICKLER_BENCH_TOKEN=bench-token-1
seconds=${SECONDS_PER_RUN:-10}

start_tickler() { # DIR CONTACTS PORT
    mkdir -p "$1"; python3 bench/gen-contacts.py --count "$2" --format csv --out "$1/contacts.csv" >/dev/null
    write_workspace "$1" "  - { name: thank-you, after: purchase, delay: 30d, to: owner, channel: outbox, template: check-in }"
    cat >>"$1/tickler.yaml" <<EOT
http:
  listen: 127.0.0.1:$3
  tokens:
    bench: { token_env: TICKLER_BENCH_TOKEN, scope: write }
EOT
    "$tickler" run --config "$1/tickler.yaml" >"$1/log" 2>&1 &
    pids+=($!)
    until grep -q "msg=started" "$1/log" 2>/dev/null; do sleep 0.2; done
}

count_events() { "$tickler" event list --config "$work/t/tickler.yaml" | tail -n +2 | wc -l; }

load() { # NAME URL BODY: first at a fixed 1,000/s, then as fast as wrk can
    local out rate fixed
    fixed=$(python3 bench/http-rate.py --url "$2" --rate 1000 --seconds "$seconds" --body "$3" \
        --header "Authorization: Bearer $BENCH_TOKEN")
    out=$(BENCH_RUN=$RANDOM BENCH_BODY=$3 wrk -t2 -c64 -d"${seconds}s" -s bench/http-events.lua "$2" 2>&1)
    rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf '%-14s %10s req/s (non-2xx: %s)   at 1,000/s: %s\n' "$1" "$rate" "${non2xx:-0}" "$fixed"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Tickler on a workspace of 1,000 contacts.
start_tickler "$work/t" 1000 18091
load tickler http://127.0.0.1:18091/v1/events tickler
echo "tickler        events committed in the store by both runs: $(count_events) (each answer a new event)"

# Alertmanager, no cluster, one null receiver.
mkdir -p "$work/am"
printf 'route: { receiver: "null" }\nreceivers: [{ name: "null" }]\n' >"$work/am/am.yml"
prometheus-alertmanager --config.file="$work/am/am.yml" --storage.path="$work/am" \
    --web.listen-address=127.0.0.1:18092 --cluster.listen-address= >"$work/am/log" 2>&1 &
pids+=($!)
until curl -sf http://127.0.0.1:18092/-/ready >/dev/null; do sleep 0.2; done
load alertmanager http://127.0.0.1:18092/api/v2/alerts alertmanager

# nginx answering a fixed 201: the machine's ceiling for a request over keep-alive.
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOT
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    server { listen 127.0.0.1:18093; keepalive_requests 1000000;
             location / { return 201 '{"events":[]}'; } }
}
EOT
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
until curl -s -o /dev/null http://127.0.0.1:18093/; do sleep 0.2; done
load nginx http://127.0.0.1:18093/v1/events tickler

# One request of 10,000 events.
python3 - "$work/batch.json" <<'EOT'
import json, sys
json.dump([{"contact": "c%06d" % (n % 1000 + 1), "type": "purchase", "id": "batch-%d" % n} for n in range(10000)],
          open(sys.argv[1], "w"))
EOT
for run in 1 2 3 4 5; do
    sed "s/batch-/b$run-/g" "$work/batch.json" >"$work/batch$run.json"
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $BENCH_TOKEN" \
        -H 'Content-Type: application/json' --data-binary @"$work/batch$run.json" http://127.0.0.1:18091/v1/events
done | median | awk '{printf "batch of 10,000 events in one request: %.3f s (median of 5)\n", $1}'

# /metrics and /v1/upcoming?days=1 with many contacts.
contacts=${CONTACTS:-1000000}
start_tickler "$work/m" "$contacts" 18094
for path in /metrics "/v1/upcoming?days=1"; do
    for run in 1 2 3 4 5; do
        curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:18094$path"
    done | median | awk -v p="$path" -v c="$contacts" '{printf "%s with %d contacts: %.3f s (median of 5)\n", p, c, $1}'
done
