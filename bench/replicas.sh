#!/usr/bin/env bash
# Several `tickler run` replicas on one PostgreSQL database (issue 18), release build, real time
# (the daemons run on the wall clock, so this takes a while: about 15 minutes at the default sizes).
# It starts a PostgreSQL cluster of its own (Debian's initdb and pg_ctl, in a temporary directory, on
# a free port of 127.0.0.1, password authentication, fsync and synchronous_commit on as in production),
# gives each setup a fresh database, and stops the cluster when it ends.
#
#   (a) throughput: COUNT (10,000) contacts, one rule `after: purchase, delay: 1m` to an SMTP channel
#       (`starttls: off, connections: 4`) at bench/smtp-sink.py's fast sink; one purchase per contact
#       imported with `tickler event import`, all of them making their reminder due at one instant
#       LEAD (20) s after the import. Side by side in one run: one replica on SQLite, one replica on
#       PostgreSQL, three replicas on PostgreSQL, each on a fresh store, one after another. For each:
#       seconds from the due instant until every reminder's `delivered` line is logged (the daemon logs
#       it after the store committed the delivery), messages/s, the split among replicas, keys
#       delivered twice, the CPU of replicas, server and sink; for PostgreSQL the server's time by
#       statement (pg_stat_statements, loaded in the cluster and created in its `postgres` database)
#       and its WAL flushes (pg_stat_wal). Goal: three on PostgreSQL ≥ one on SQLite.
#   (b) lateness: LATE (1,000) reminders due over the 60 s from 30 s after the import (as
#       bench/daemon.sh (a)), three replicas on PostgreSQL, the fast SMTP sink: send start − due from
#       the `delivered` lines of the three logs (`time` minus `ms`, as bench/daemon-lateness.py has it).
#       Goal: p99 <= 100 ms.
#   (c) idle: one replica on PostgreSQL, SMALL (1,000) contacts, the four rules of (d) at a minute
#       that does not fall within the run (as bench/daemon.sh (c)), nothing due, once no log line has
#       come for 15 s: voluntary context switches of all its threads and CPU time over IDLE (120) s,
#       per minute and per heartbeat (LEASE 30s: a heartbeat every 10 s), read from /proc as
#       bench/daemon-idle.py does but per thread every 0.2 s (bench/replicas.py idle: the heartbeat
#       runs on worker threads that come and go). Expected: the heartbeats' wake-ups only.
#   (d) start-up at scale: LARGE (1,000,000) contacts, the four rules of bench/daemon.sh (b), events for
#       10 % of them (bench/gen-events.py), imported into PostgreSQL and into SQLite (timed): spawn →
#       `started` of the first start (fresh store: records every first-seen time) and of the second,
#       on PostgreSQL and on SQLite side by side, with the log's phases; then ROUNDS (3) more second
#       starts of each, alternated (bench/daemon-startup.py). Goal on PostgreSQL: <= 4 s fresh,
#       <= 2 s second. When a goal is missed (or PROFILE=1; PROFILE=0: never) it measures where the
#       time goes: the daemon's and the server's CPU during a start, `perf record -g` of a start (when
#       perf is installed) and psql's timings of the reads a start makes.
#
#   bench/replicas.sh                          # everything, default sizes
#   PARTS="a b" COUNT=1000 LATE=200 bash bench/replicas.sh
#   COUNT=1000 LATE=200 SMALL=200 LARGE=100000 IDLE=20 bash bench/replicas.sh   # a smoke run, ~4 min
#
# SCRATCH (default .build-release) is the build directory (a build already there is reused: swift
# build only does what changed); KEEP=1 keeps the work directory and the cluster's; PG_BIN the
# PostgreSQL programs (default the newest /usr/lib/postgresql/*/bin). As root (CI, a fresh
# machine) the server runs as the `postgres` user through setpriv: PostgreSQL refuses root. Needs
# Debian's postgresql and python3 (standard library only); perf (linux-perf) for the profile.
set -euo pipefail

count=${COUNT:-10000}
late=${LATE:-1000}
small=${SMALL:-1000}
large=${LARGE:-1000000}
idle=${IDLE:-120}
lead=${LEAD:-20}
lease=${LEASE:-30s}
rounds=${ROUNDS:-3}
parts=${PARTS:-a b c d}
profile=${PROFILE:-auto}
scratch=${SCRATCH:-.build-release}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
helper="$root/bench/replicas.py"

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [[ ! -x $pg_bin/initdb || ! -x $pg_bin/pg_ctl ]]; then
    echo "bench/replicas.sh needs Debian's postgresql (initdb and pg_ctl under /usr/lib/postgresql/VERSION/bin)" >&2
    exit 1
fi

echo "==> Building tickler (release, $scratch)"
cd "$root"
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product tickler
tickler="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/tickler"

work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/tickler-replicas.XXXXXX")}"
mkdir -p "$work"
# The cluster's directory, apart from $work: the server's user must own it.
pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/tickler-replicas-pg.XXXXXX")"
as_server=()
if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$pg_dir"
    as_server=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
pg_port=
pids=() # every process this script started and stops at the end (daemons, sinks)

cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n $pg_port ]]; then
        (cd "$pg_dir" && "${as_server[@]}" "$pg_bin/pg_ctl" stop -D "$pg_dir/data" -m fast >>"$pg_dir/pg_ctl.log" 2>&1) || true
    fi
    if [[ -n ${KEEP:-} ]]; then
        echo "kept $work and $pg_dir" >&2
    else
        rm -rf "$work" "$pg_dir"
    fi
}
trap cleanup EXIT

# --- The PostgreSQL cluster --------------------------------------------------------------------------
export TICKLER_BENCH_DB_PASSWORD
TICKLER_BENCH_DB_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
echo "==> PostgreSQL $("$pg_bin/postgres" --version | sed 's/^postgres (PostgreSQL) //'): a cluster in $pg_dir"
printf '%s\n' "$TICKLER_BENCH_DB_PASSWORD" >"$pg_dir/password"
[[ ${#as_server[@]} -eq 0 ]] || chown postgres:postgres "$pg_dir/password"
(cd "$pg_dir" && "${as_server[@]}" "$pg_bin/initdb" --pgdata="$pg_dir/data" --auth=scram-sha-256 --username=tickler \
    --pwfile="$pg_dir/password" --encoding=UTF8 --locale=C.UTF-8 --no-instructions >"$pg_dir/initdb.log" 2>&1) || {
    cat "$pg_dir/initdb.log" >&2
    exit 1
}
rm -f "$pg_dir/password"
cat >>"$pg_dir/data/postgresql.conf" <<EOT

# bench/replicas.sh: loopback only, the socket in this directory; durability as in production.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_dir'
fsync = on
synchronous_commit = on
full_page_writes = on
# where the server's time goes, for (a): statements and WAL flushes (small overheads)
shared_preload_libraries = 'pg_stat_statements'
track_wal_io_timing = on
EOT
for attempt in 1 2 3 4 5; do
    port=$(python3 "$helper" free-port)
    echo "port = $port" >>"$pg_dir/data/postgresql.conf" # the last setting of a name wins
    # pg_ctl's output to a file: the server it starts would keep a pipe open.
    if (cd "$pg_dir" && "${as_server[@]}" "$pg_bin/pg_ctl" start -w -t 60 -D "$pg_dir/data" -l "$pg_dir/server.log" \
        >>"$pg_dir/pg_ctl.log" 2>&1); then
        pg_port=$port
        break
    fi
    grep -q "could not bind" "$pg_dir/server.log" 2>/dev/null && [[ $attempt -lt 5 ]] || {
        cat "$pg_dir/pg_ctl.log" "$pg_dir/server.log" >&2
        exit 1
    }
done
postmaster=$(head -n 1 "$pg_dir/data/postmaster.pid")
echo "    listening on 127.0.0.1:$pg_port (postmaster $postmaster); fsync on, synchronous_commit on"

# pg_sql DATABASE ARGS...: psql as the cluster's superuser over TCP.
pg_sql() {
    local database=$1
    shift
    PGPASSWORD=$TICKLER_BENCH_DB_PASSWORD "$pg_bin/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
        -U tickler -d "$database" "$@"
}
pg_sql postgres -c "CREATE EXTENSION pg_stat_statements" # in \`postgres\`: Tickler refuses a database with others' tables
echo "    $(pg_sql postgres -c "SELECT 'shared_buffers ' || current_setting('shared_buffers') || ', wal_sync_method '
    || current_setting('wal_sync_method') || ', max_connections ' || current_setting('max_connections')")"

# --- Workspaces ----------------------------------------------------------------------------------------
# write_workspace DIR RULES: see bench/workspace.sh.
source "$root/bench/workspace.sh"

# use_postgres DIR DATABASE: a fresh database DATABASE as DIR's state store.
use_postgres() {
    pg_sql postgres -c "CREATE DATABASE $2"
    sed -i "s|^state: tickler.sqlite\$|state: postgres://tickler@127.0.0.1:$pg_port/$2?sslmode=disable\\
state_password_env: TICKLER_BENCH_DB_PASSWORD\\
lease: $lease|" "$1/tickler.yaml"
}

# pg_reset: the server's statement and WAL statistics back to zero.
pg_reset() {
    pg_sql postgres -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
}

# pg_report DATABASE MESSAGES: the statements that took the server the most time in DATABASE since
# pg_reset, and the WAL flushes (each a commit's fsync, or several commits' at once), per message.
pg_report() {
    echo "    the server's time by statement since the replicas started (pg_stat_statements), per message:"
    pg_sql postgres -F ' | ' -c "
        SELECT round(s.total_exec_time::numeric / $2, 3) || ' ms', round(s.calls::numeric / $2, 2) || ' calls',
               round(s.mean_exec_time::numeric, 3) || ' ms each', left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = '$1' ORDER BY s.total_exec_time DESC LIMIT 8" | sed 's/^/      /'
    pg_sql postgres -c "
        SELECT '    statements in all: ' || round(sum(s.total_exec_time)::numeric / $2, 3) || ' ms and '
               || round(sum(s.calls)::numeric / $2, 1) || ' calls per message'
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$1'"
    pg_sql postgres -c "
        SELECT '    WAL: ' || wal_records || ' records, ' || pg_size_pretty(wal_bytes) || ', ' || wal_sync
               || ' flushes (' || round(wal_sync::numeric / $2, 2) || ' per message), fsync time '
               || round(wal_sync_time::numeric / 1000, 2) || ' s, write time ' || round(wal_write_time::numeric / 1000, 2) || ' s'
        FROM pg_stat_wal"
}

# add_smtp DIR PORT: a channel `mail` to the SMTP sink on PORT.
add_smtp() {
    sed -i "/^channels:\$/a\\  mail: { type: smtp, url: \"smtp://127.0.0.1:$2\", starttls: off, connections: 4, from: \"Tickler <tickler@example.com>\" }" \
        "$1/tickler.yaml"
}

# four_rules MM: the four rules of bench/daemon.sh (b), at minute MM of the hour.
four_rules() {
    echo "  - { name: birthday-greeting, date: birthday, at: \"09:$1\", to: contact, channel: outbox,
      template: birthday-greeting }
  - { name: birthday-heads-up, date: birthday, before: [3d], at: \"09:$1\", to: owner, channel: outbox,
      template: birthday-heads-up }
  - { name: check-in, every: 14d, since: [call, meeting, purchase], spread: 3d, at: \"09:$1\", to: owner,
      channel: outbox, template: check-in }
  - { name: satisfaction-visit, after: purchase, delay: 30d, at: \"10:$1\", window: \"09:$1-18:$1 mon-fri\",
      to: owner, channel: outbox, template: satisfaction-visit }"
}

# start_sink DIR: bench/smtp-sink.py's fast sink; sets sink_port and sink_pid.
start_sink() {
    python3 "$root/bench/smtp-sink.py" fast --port-file "$1/sink.port" 2>"$1/sink.log" &
    sink_pid=$!
    pids+=("$sink_pid")
    for _ in $(seq 300); do
        [[ -s $1/sink.port ]] && break
        kill -0 "$sink_pid" 2>/dev/null || {
            cat "$1/sink.log" >&2
            exit 1
        }
        sleep 0.1
    done
    sink_port=$(<"$1/sink.port")
}

# stop PID...: SIGTERM, then wait for each.
stop() {
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# start_replicas N DIR: N daemons on DIR/tickler.yaml, logs DIR/replicaI.log; sets replica_pids and logs.
start_replicas() {
    replica_pids=()
    logs=()
    local i
    for i in $(seq "$1"); do
        "$tickler" run --config "$2/tickler.yaml" </dev/null >/dev/null 2>"$2/replica$i.log" &
        replica_pids+=($!)
        pids+=($!)
        logs+=("$2/replica$i.log")
    done
}

# outbox_summary DIR: the outbox by state, from `tickler status --format json`.
outbox_summary() {
    "$tickler" status --config "$1/tickler.yaml" --format json | python3 -c '
import json, sys
status = json.load(sys.stdin)
print("    tickler status: outbox " + (", ".join("%s %d (%s)" % (row["state"], row["count"], row["channel"])
                                          for row in status["outbox"]) or "empty"))'
}

failed=0

if [[ " $parts " == *" a "* ]]; then
    echo "==> (a) throughput: $count reminders due at one instant, $lead s after the import, to the fast SMTP sink"
    python3 "$root/bench/gen-contacts.py" --count "$count" --format csv --out "$work/contacts-a.csv"
    : >"$work/a.tsv"
    for setup in "sqlite 1" "postgres 1" "postgres 3"; do
        read -r store replicas <<<"$setup"
        label="$replicas × $store"
        dir="$work/a-$store-$replicas"
        write_workspace "$dir" '  - { name: satisfaction-visit, after: purchase, delay: 1m, to: contact, channel: mail,
      template: satisfaction-visit }'
        cp "$work/contacts-a.csv" "$dir/contacts.csv"
        [[ $store == sqlite ]] || use_postgres "$dir" "a_${store}_$replicas"
        start_sink "$dir"
        add_smtp "$dir" "$sink_port"
        due=$(($(date +%s) + lead))
        python3 "$helper" events --count "$count" --due "$due" --delay 60 --out "$dir/events.csv"
        "$tickler" event import --config "$dir/tickler.yaml" "$dir/events.csv" >/dev/null
        echo "  $label: imported $count purchases; due at $(date -u -d "@$due" +%T) UTC ($((due - $(date +%s))) s from now)"
        [[ $store == sqlite ]] || pg_reset
        start_replicas "$replicas" "$dir"
        python3 "$helper" throughput --label "$label" --count "$count" --due "$due" --timeout 600 \
            --pids "$(IFS=,; echo "${replica_pids[*]}")" --sink "$sink_pid" \
            --postmaster "$([[ $store == sqlite ]] && echo 0 || echo "$postmaster")" --results "$work/a.tsv" \
            "${logs[@]}" || failed=1
        stop "${replica_pids[@]}"
        stop "$sink_pid"
        echo "    sink: $(grep -o 'accepted.*' "$dir/sink.log" || echo '(no count)')"
        outbox_summary "$dir"
        [[ $store == sqlite ]] || pg_report "a_${store}_$replicas" "$count"
    done
    echo "  (a) side by side:"
    python3 "$helper" table "$work/a.tsv" | sed 's/^/  /'
    python3 - "$work/a.tsv" <<'PY'
import sys
rows = {line.split("\t")[0]: line.split("\t") for line in open(sys.argv[1]) if line.strip()}
one, three = rows.get("1 × sqlite"), rows.get("3 × postgres")
if one and three:
    met = float(three[3]) >= float(one[3]) and three[1] == one[1]
    print("  goal (three replicas on PostgreSQL >= one on SQLite, messages/s): %s (%s vs %s)" % (
        "met" if met else "NOT met", three[3], one[3]))
PY
fi

if [[ " $parts " == *" b "* ]]; then
    echo "==> (b) lateness: $late reminders due over 60 s from 30 s after the import, three replicas on PostgreSQL"
    dir="$work/b"
    write_workspace "$dir" '  - { name: satisfaction-visit, after: purchase, delay: 2m, to: contact, channel: mail,
      template: satisfaction-visit }'
    python3 "$root/bench/gen-contacts.py" --count "$late" --format csv --out "$dir/contacts.csv"
    use_postgres "$dir" b_lateness
    start_sink "$dir"
    add_smtp "$dir" "$sink_port"
    python3 "$helper" events --count "$late" --due $(($(date +%s) + 30)) --spread 60 --delay 120 --out "$dir/events.csv"
    "$tickler" event import --config "$dir/tickler.yaml" "$dir/events.csv" >/dev/null
    start_replicas 3 "$dir"
    python3 "$helper" lateness --events "$dir/events.csv" --delay 120 --count "$late" --timeout 240 \
        --pids "$(IFS=,; echo "${replica_pids[*]}")" "${logs[@]}" || failed=1
    stop "${replica_pids[@]}"
    stop "$sink_pid"
    echo "    sink: $(grep -o 'accepted.*' "$dir/sink.log" || echo '(no count)')"
fi

if [[ " $parts " == *" c "* ]]; then
    minute=$(( ($(date -u +%-M) + 30) % 60 ))
    echo "==> (c) idle: one replica on PostgreSQL, $small contacts, four rules at minute :$(printf %02d "$minute"), nothing due, $idle s"
    dir="$work/c"
    write_workspace "$dir" "$(four_rules "$(printf %02d "$minute")")"
    python3 "$root/bench/gen-contacts.py" --count "$small" --format csv --out "$dir/contacts.csv"
    use_postgres "$dir" c_idle
    case $lease in
    *m) heartbeat=$((${lease%m} * 60 / 3)) ;;
    *s) heartbeat=$((${lease%s} / 3)) ;;
    esac
    python3 "$helper" idle --idle "$idle" --settle 15 --heartbeat "$heartbeat" --log "$dir/daemon.log" \
        "$tickler" "$dir/tickler.yaml"
    echo "  expected: the heartbeats' wake-ups only (a handful of context switches each)"
fi

if [[ " $parts " == *" d "* ]]; then
    minute=$(( ($(date -u +%-M) + 30) % 60 ))
    mm=$(printf '%02d' "$minute")
    echo "==> (d) start-up: $large contacts, four rules at minute :$mm, events for 10 % of them, PostgreSQL and SQLite"
    for store in postgres sqlite; do
        write_workspace "$work/d-$store" "$(four_rules "$mm")"
    done
    if [[ -s ${CONTACTS:-} ]]; then cp "$CONTACTS" "$work/d-postgres/contacts.csv"; else
        python3 "$root/bench/gen-contacts.py" --count "$large" --format csv --out "$work/d-postgres/contacts.csv"
    fi
    cp "$work/d-postgres/contacts.csv" "$work/d-sqlite/contacts.csv"
    use_postgres "$work/d-postgres" d_startup
    python3 "$root/bench/gen-events.py" --contacts "$large" --share 0.1 --now "$(date -u +%FT%TZ)" \
        --out "$work/d-events.csv"
    for store in postgres sqlite; do
        python3 "$root/bench/measure.py" "    event import ($store, $(($(wc -l <"$work/d-events.csv") - 1)) events)" \
            "$work/d-$store/import.txt" "$tickler" event import --config "$work/d-$store/tickler.yaml" "$work/d-events.csv" |
            awk -F'\t' '{printf "%s: %.2f s, peak RSS %.0f MB\n", $1, $2, $3 / 1024}'
    done
    declare -A fresh second
    for store in postgres sqlite; do
        dir="$work/d-$store"
        echo "  $store, first start (fresh store; stopped once no log line has come for 15 s):"
        python3 "$root/bench/daemon-idle.py" "$tickler" "$dir/tickler.yaml" --idle 0 --settle 15 --log "$dir/daemon1.log" |
            tee "$dir/start1.txt" | sed 's/^/    /'
        python3 "$helper" phases --log "$dir/daemon1.log" --startup-output "$dir/start1.txt"
        echo "    delivered at first start: $(grep -c 'msg=delivered' "$dir/daemon1.log" || true)"
        fresh[$store]=$(sed -n 's/^start-up: started line read \([0-9.]*\) s.*/\1/p' "$dir/start1.txt")
    done
    for store in postgres sqlite; do
        dir="$work/d-$store"
        echo "  $store, second start:"
        python3 "$root/bench/daemon-idle.py" "$tickler" "$dir/tickler.yaml" --idle 0 --settle 5 --log "$dir/daemon2.log" |
            tee "$dir/start2.txt" | sed 's/^/    /'
        python3 "$helper" phases --log "$dir/daemon2.log" --startup-output "$dir/start2.txt"
    done
    echo "  $rounds more second starts of each, alternated (A = PostgreSQL, B = SQLite):"
    python3 "$root/bench/daemon-startup.py" "$work/d-postgres/tickler.yaml,$work/d-sqlite/tickler.yaml" "$rounds" \
        "$tickler" "$tickler" | tee "$work/d-rounds.txt" | sed 's/^/    /'
    second[postgres]=$(sed -n 's/^A started after min [0-9.]*, median \([0-9.]*\),.*/\1/p' "$work/d-rounds.txt")
    second[sqlite]=$(sed -n 's/^B started after min [0-9.]*, median \([0-9.]*\),.*/\1/p' "$work/d-rounds.txt")
    if [[ -z ${fresh[postgres]} || -z ${second[postgres]} ]]; then
        echo "error: could not read the start-up times" >&2
        exit 1
    fi
    echo "  | start | PostgreSQL | SQLite | goal (PostgreSQL) |"
    echo "  | --- | --- | --- | --- |"
    fresh_met=$(awk -v t="${fresh[postgres]}" 'BEGIN { print (t <= 4 ? "met" : "NOT met") }')
    second_met=$(awk -v t="${second[postgres]}" 'BEGIN { print (t <= 2 ? "met" : "NOT met") }')
    echo "  | first (fresh store) | ${fresh[postgres]} s | ${fresh[sqlite]} s | <= 4 s — $fresh_met |"
    echo "  | second (median of $rounds) | ${second[postgres]} s | ${second[sqlite]} s | <= 2 s — $second_met |"

    if [[ $profile == 1 || ($profile == auto && ($fresh_met != met || $second_met != met)) ]]; then
        dir="$work/d-postgres"
        echo "==> (d) where a start on PostgreSQL spends its time"
        echo "  CPU during a second start:"
        python3 "$helper" start-cpu --postmaster "$postmaster" --log "$dir/cpu.log" "$tickler" "$dir/tickler.yaml"
        if [[ $fresh_met != met || $profile == 1 ]]; then
            echo "  CPU during a first start (a copy of the workspace on another fresh database, events imported):"
            cp -r "$dir" "$work/d-fresh"
            sed -i "s|/d_startup?|/d_fresh?|" "$work/d-fresh/tickler.yaml"
            pg_sql postgres -c "CREATE DATABASE d_fresh"
            "$tickler" event import --config "$work/d-fresh/tickler.yaml" "$work/d-events.csv" >/dev/null
            python3 "$helper" start-cpu --postmaster "$postmaster" --log "$work/d-fresh/cpu.log" "$tickler" \
                "$work/d-fresh/tickler.yaml"
        fi
        echo "  psql's timings of the reads a second start makes (the server's work plus the transfer):"
        pg_sql d_startup -f - <<'SQL' 2>&1 | sed 's/^/    /'
\timing on
\echo first_seen rows:
SELECT count(*) FROM first_seen;
\o /dev/null
\echo SELECT contact, at FROM first_seen (all rows):
SELECT contact, at FROM first_seen;
\echo SELECT … FROM events ORDER BY seq (all rows):
SELECT id, contact, type, at, note, seq FROM events WHERE seq > 0 ORDER BY seq;
\o
\echo events, outbox rows:
SELECT (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM outbox) || ' outbox';
\timing off
SELECT 'database size ' || pg_size_pretty(pg_database_size(current_database()));
SQL
        if command -v perf >/dev/null; then
            echo "  perf record -g of a second start (the daemon's threads; on-CPU samples only), top symbols:"
            perf record -F 999 -g -o "$dir/perf.data" -- "$tickler" run --config "$dir/tickler.yaml" \
                </dev/null >/dev/null 2>"$dir/perf-run.log" &
            perf_pid=$!
            pids+=("$perf_pid")
            for _ in $(seq 1200); do
                grep -q 'msg=started' "$dir/perf-run.log" 2>/dev/null && break
                kill -0 "$perf_pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -INT "$perf_pid" 2>/dev/null || true # perf stops the daemon (SIGTERM) and writes its data
            wait "$perf_pid" 2>/dev/null || true
            perf report -i "$dir/perf.data" --no-children --sort comm,dso --stdio -g none --percent-limit 2 2>/dev/null |
                grep -v '^#' | grep -v '^$' | head -n 15 | sed 's/^/    /'
            echo "    by symbol:"
            perf report -i "$dir/perf.data" --no-children --sort sym --stdio -g none --percent-limit 1 2>/dev/null |
                grep -v '^#' | grep -v '^$' | head -n 30 | swift-demangle --simplified | cut -c1-160 | sed 's/^/    /'
            echo "    inclusive (self and callees), the runtime's and libdispatch's frames left out:"
            perf report -i "$dir/perf.data" --children --sort sym --stdio -g none --percent-limit 4 2>/dev/null |
                grep -v '^#' | grep -v '^$' | swift-demangle --simplified |
                grep -Ev 'start_thread|clone3?$|_dispatch_|swift::runJob|swift_job_run|tickler_main|__libc_start|TicklerMain|thunk for|\[\.\] main$|_start$' |
                head -n 30 | cut -c1-160 | sed 's/^/    /'
        else
            echo "  (perf is not installed: no profile)"
        fi
    fi
fi

exit "$failed"
