#!/usr/bin/env bash
# How fast Tickler delivers (issue 5), side by side in one run, over loopback:
#
#   SMTP      to an SMTP sink that accepts and discards every message, with `starttls: off`:
#             tickler-bench smtp (SMTPTransport) with 1 connection (1 and 8 senders) and 4, against Python's smtplib
#             with a new connection per message and with one reused connection.
#   webhooks  to an HTTP/1.1 keep-alive receiver that answers `200 {}`:
#             tickler-bench webhook (WebhookTransport, generic format) with 1 and 4 connections,
#             against Apprise's `json://` target and a Python http.client keep-alive loop.
#
#   bench/delivery.sh            # every row against both sinks of each kind, RUNS=3
#
# Each sink comes in two kinds (SMTP_SINKS, HTTP_SINKS choose; default both):
#   aiosmtpd   Debian's python3-aiosmtpd with a discarding handler (what the delivery tests use)
#   fast       bench/smtp-sink.py's minimal asyncio SMTP responder
#   threading  Python's http.server.ThreadingHTTPServer, HTTP/1.1 (what the delivery tests use)
#   asyncio    bench/http-sink.py's minimal asyncio HTTP/1.1 responder
# The sinks are Python and run on the same two cores as the senders, so they may bound a row: the
# table shows each sink's CPU time per message and how busy it was (100 % = a whole core).
#
# Every row runs RUNS times (default 3, at least 1), the rows interleaved run by run; the table shows
# the best and the median messages per second, the median latency percentiles of one message, and the
# CPU time per message of the sender and of the sink. Counts (each run should last 2 s or more):
#   SMTP_MESSAGES (default 10000)          tickler-bench smtp and smtplib with a reused connection
#   SMTP_CONNECT_MESSAGES (default 2000)   smtplib with a connection per message
#   WEBHOOK_REQUESTS (default 20000)       tickler-bench webhook and http.client
#   APPRISE_REQUESTS (default 1000)        Apprise
# SCRATCH (default .build-bench) is the build directory; BENCH=PATH uses that tickler-bench binary
# instead of building one (to compare builds of other trees). Raw results (one JSON line per run) are kept
# in RESULTS when it is set.
#
# Needs /usr/bin/python3 with python3-aiosmtpd and, for the Apprise rows, the virtual environment
# .build-python with apprise in it; bin/setup installs both. Without apprise the Apprise rows are left
# out with a note. Installs nothing itself.
set -euo pipefail

runs=${RUNS:-3}
((runs < 1)) && runs=1
scratch=${SCRATCH:-.build-bench}
smtp_messages=${SMTP_MESSAGES:-10000}
smtp_connect_messages=${SMTP_CONNECT_MESSAGES:-2000}
webhook_requests=${WEBHOOK_REQUESTS:-20000}
apprise_requests=${APPRISE_REQUESTS:-1000}
smtp_sinks=${SMTP_SINKS:-aiosmtpd fast}
http_sinks=${HTTP_SINKS:-threading asyncio}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
python=/usr/bin/python3 # Debian's, for python3-aiosmtpd
venv_python="$root/.build-python/bin/python3"

if ! "$python" -c 'import aiosmtpd' 2>/dev/null; then
    echo "bench/delivery.sh needs Debian's python3-aiosmtpd: run bin/setup" >&2
    exit 1
fi
apprise=yes
if ! "$venv_python" -c 'import apprise' 2>/dev/null; then
    apprise=
    echo "note: apprise is not installed in .build-python, so the Apprise rows are left out;" >&2
    echo "      bin/setup installs it" >&2
fi

cd "$root"
if [[ -n ${BENCH:-} ]]; then
    bench=$BENCH
    echo "==> Using $bench"
else
    echo "==> Building tickler-bench (release, $scratch)"
    swift build -c release --scratch-path "$scratch" --product tickler-bench
    bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/tickler-bench"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tickler-delivery.XXXXXX")"
sink_pids=()
cleanup() {
    for pid in "${sink_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
results=${RESULTS:-$work/results.tsv}
: >"$results"

# The bytes Tickler sends, for the Python senders.
"$bench" sample smtp >"$work/message.eml"
"$bench" sample webhook >"$work/body.json"
"$bench" sample text >"$work/text.json"

# start_sink NAME COMMAND...: starts a sink that writes its port to a file; sets port and pid.
start_sink() {
    local name=$1
    shift
    "$@" --port-file "$work/$name.port" 2>"$work/$name.log" &
    pid=$!
    sink_pids+=("$pid")
    for _ in $(seq 300); do
        [[ -s $work/$name.port ]] && break
        kill -0 "$pid" 2>/dev/null || {
            echo "the $name sink did not start:" >&2
            cat "$work/$name.log" >&2
            exit 1
        }
        sleep 0.1
    done
    [[ -s $work/$name.port ]] || {
        echo "the $name sink did not start within 30 s" >&2
        exit 1
    }
    port=$(<"$work/$name.port")
}

# cpu_ticks PID: the process's user and system time so far, in clock ticks (all threads).
cpu_ticks() {
    local stat
    stat=$(<"/proc/$1/stat")
    stat=${stat##*) } # fields after the command name; utime and stime are the 12th and 13th of these
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))
}

declare -A sink_port sink_pid
for kind in $smtp_sinks; do
    start_sink "smtp-$kind" "$python" bench/smtp-sink.py "$kind"
    sink_port[$kind]=$port
    sink_pid[$kind]=$pid
done
for kind in $http_sinks; do
    start_sink "http-$kind" "$python" bench/http-sink.py "$kind"
    sink_port[$kind]=$port
    sink_pid[$kind]=$pid
done
echo "==> Sinks: $(for kind in $smtp_sinks $http_sinks; do printf '%s on %s  ' "$kind" "${sink_port[$kind]}"; done)"

# row LABEL SINK COMMAND...: one run; appends LABEL, SINK, the sink's CPU ticks and the JSON line.
row() {
    local label=$1 sink=$2 before after line
    shift 2
    before=$(cpu_ticks "${sink_pid[$sink]}")
    if ! line=$("$@" 2>"$work/row.log"); then
        echo "failed: $label against $sink:" >&2
        cat "$work/row.log" >&2
        exit 1
    fi
    after=$(cpu_ticks "${sink_pid[$sink]}")
    printf '%s\t%s\t%d\t%s\n' "$label" "$sink" $((after - before)) "$line" >>"$results"
    printf '    %-34s %-10s %s\n' "$label" "$sink" "$(grep -o '"per_s": [0-9.]*' <<<"$line")"
}

for run in $(seq "$runs"); do
    echo "==> Run $run of $runs ($(uptime | sed 's/.*load/load/'))"
    for kind in $smtp_sinks; do
        url="smtp://127.0.0.1:${sink_port[$kind]}"
        row "tickler smtp, 1 connection" "$kind" \
            "$bench" smtp --url "$url" --messages "$smtp_messages" --connections 1
        row "tickler smtp, 1 connection, 8 senders" "$kind" \
            "$bench" smtp --url "$url" --messages "$smtp_messages" --connections 1 --senders 8
        row "tickler smtp, 4 connections" "$kind" \
            "$bench" smtp --url "$url" --messages "$smtp_messages" --connections 4
        row "smtplib, connection per message" "$kind" "$python" bench/py-senders.py smtp-per-message \
            --port "${sink_port[$kind]}" --messages "$smtp_connect_messages" --eml "$work/message.eml"
        row "smtplib, one connection" "$kind" "$python" bench/py-senders.py smtp-reused \
            --port "${sink_port[$kind]}" --messages "$smtp_messages" --eml "$work/message.eml"
    done
    for kind in $http_sinks; do
        url="http://127.0.0.1:${sink_port[$kind]}/hook"
        row "tickler webhook, 1 connection" "$kind" \
            "$bench" webhook --url "$url" --requests "$webhook_requests" --connections 1 --format generic
        row "tickler webhook, 4 connections" "$kind" \
            "$bench" webhook --url "$url" --requests "$webhook_requests" --connections 4 --format generic
        if [[ -n $apprise ]]; then
            row "apprise json://" "$kind" "$venv_python" bench/py-senders.py apprise \
                --url "json://127.0.0.1:${sink_port[$kind]}/hook" --requests "$apprise_requests" \
                --text "$work/text.json"
        fi
        row "http.client keep-alive" "$kind" "$python" bench/py-senders.py http-client \
            --url "$url" --requests "$webhook_requests" --body "$work/body.json"
    done
done

echo
"$python" bench/delivery-table.py "$results" "$(getconf CLK_TCK)"
