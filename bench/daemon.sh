#!/usr/bin/env bash
# How the daemon `tickler run` behaves (issue 6), release build, real time (no --now: the daemon
# runs on the wall clock, so this takes a while):
#
#   (a) lateness: 1,000 contacts, one `after: purchase` rule with `delay: 2m` and a `file` channel;
#       one purchase per contact imported first, at times that make the 1,000 reminders due spread
#       over the 60 s from 30 s after the import (due instants are whole seconds, ~17 a second). The
#       daemon runs until all 1,000 files exist; bench/daemon-lateness.py prints send start − due
#       (by file mtime, and by the `delivered` line's time minus its `ms`; and the first file of each
#       due instant alone). Goal: p99 <= 50 ms.
#   (b) start-up: 1,000,000 contacts, the four rules of bench/upcoming.sh (b) (date, date with a
#       3-day lead, every, after) and events for 10 % of the contacts (bench/gen-events.py, the 60 days
#       before now): time from spawning `tickler run` to its `started` line (the first timer is armed
#       right after it), with `plan_ms` and `planned`; first run on a fresh store, then again.
#   (c) idle: the second daemon of (b), once its start-up deliveries are done (the catch-up of
#       reminders that fell due in the last 24 h from the imported events): voluntary context switches,
#       CPU time and RSS over IDLE seconds (default 600). Every rule's `at:` (and the window's start) is
#       put at minute (now + 30) mod 60 of the hour, so that with the ten whole-hour zones of
#       bench/gen-contacts.py no reminder falls due during the run. Goal: no wake-ups, RSS <= 400 MB.
#
#   bench/daemon.sh [SMALL] [LARGE]       # default 1000 1000000
#
# IDLE (seconds, default 600) is the idle span; SCRATCH (default .build-release) the build directory;
# PARTS (default "a b") which parts to run (b includes c). Needs python3 (standard library only).
set -euo pipefail

small=${1:-1000}
large=${2:-1000000}
idle=${IDLE:-600}
parts=${PARTS:-a b}
scratch=${SCRATCH:-.build-release}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"

echo "==> Building tickler (release, $scratch)"
cd "$root"
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product tickler
tickler="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/tickler"

work="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/tickler-daemon.XXXXXX")}"
mkdir -p "$work"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$work"' EXIT

# write_workspace DIR RULES: see bench/workspace.sh.
source "$root/bench/workspace.sh"

if [[ " $parts " == *" a "* ]]; then
    echo "==> (a) lateness: $small contacts, one purchase each, due over 60 s, in $work/a"
    write_workspace "$work/a" '  - { name: satisfaction-visit, after: purchase, delay: 2m, to: contact, channel: outbox,
      template: satisfaction-visit }'
    python3 "$root/bench/gen-contacts.py" --count "$small" --format csv --out "$work/a/contacts.csv"
    # Event i (1-based) at now + 30 s + floor((i-1) * 60 / N) − 120 s: due 30…90 s from now.
    python3 - "$small" "$work/a/events.csv" <<'PY'
import datetime, sys, time
count, out = int(sys.argv[1]), sys.argv[2]
start = int(time.time()) + 30
with open(out, "w", newline="") as handle:
    handle.write("contact,type,at,note,id\r\n")
    for i in range(count):
        at = start + i * 60 // count - 120
        stamp = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        handle.write("c%06d,purchase,%s,,l%06d\r\n" % (i + 1, stamp, i + 1))
PY
    "$tickler" event import --config "$work/a/tickler.yaml" "$work/a/events.csv"
    python3 "$root/bench/daemon-lateness.py" "$tickler" "$work/a/tickler.yaml" "$work/a/outbox" \
        "$work/a/events.csv" 120 "$small" --log "$work/a/daemon.log"
fi

if [[ " $parts " == *" b "* ]]; then
    minute=$(( ($(date -u +%-M) + 30) % 60 ))
    mm=$(printf '%02d' "$minute")
    echo "==> (b) start-up: $large contacts, four rules at minute :$mm, events for 10 % of them, in $work/b"
    write_workspace "$work/b" "  - { name: birthday-greeting, date: birthday, at: \"09:$mm\", to: contact, channel: outbox,
      template: birthday-greeting }
  - { name: birthday-heads-up, date: birthday, before: [3d], at: \"09:$mm\", to: owner, channel: outbox,
      template: birthday-heads-up }
  - { name: check-in, every: 14d, since: [call, meeting, purchase], spread: 3d, at: \"09:$mm\", to: owner,
      channel: outbox, template: check-in }
  - { name: satisfaction-visit, after: purchase, delay: 30d, at: \"10:$mm\", window: \"09:$mm-18:$mm mon-fri\",
      to: owner, channel: outbox, template: satisfaction-visit }"
    if [[ -s ${CONTACTS:-} ]]; then cp "$CONTACTS" "$work/b/contacts.csv"; else
        python3 "$root/bench/gen-contacts.py" --count "$large" --format csv --out "$work/b/contacts.csv"
    fi
    python3 "$root/bench/gen-events.py" --contacts "$large" --share 0.1 --now "$(date -u +%FT%TZ)" \
        --out "$work/b/events.csv"
    echo "==> (b) tickler event import (timed on its own)"
    python3 "$root/bench/measure.py" "event import" "$work/b/import.txt" \
        "$tickler" event import --config "$work/b/tickler.yaml" "$work/b/events.csv"
    echo "==> (b) first start, fresh store (stopped once no log line has come for 15 s)"
    python3 "$root/bench/daemon-idle.py" "$tickler" "$work/b/tickler.yaml" --idle 0 --settle 15 --log "$work/b/daemon1.log"
    echo "    delivered at first start: $(grep -c 'msg=delivered' "$work/b/daemon1.log" || true) (missed: $(grep -c 'missed' "$work/b/daemon1.log" || true))"
    echo "==> (b, c) second start, then idle for $idle s"
    python3 "$root/bench/daemon-idle.py" "$tickler" "$work/b/tickler.yaml" --idle "$idle" --log "$work/b/daemon2.log"
    echo "    TICKLER_TIMINGS=1 tickler upcoming --days 2 (the loading phases the daemon shares):"
    TICKLER_TIMINGS=1 "$tickler" upcoming --config "$work/b/tickler.yaml" --days 2 --format json 2>&1 >/dev/null |
        sed 's/^/    /'
fi
