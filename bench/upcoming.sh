#!/usr/bin/env bash
# How fast `tickler upcoming` is (issue 4), whole process, release build, side by side in one run:
#
#   (a) 100,000 contacts, one birthday rule, `upcoming --days 366 --format json`, against Debian's
#       `remind -n` over the same birthdays as 100,000 yearly REM lines; both counts are printed.
#   (b) 1,000,000 contacts, four rules (a date rule, a date rule with a 3-day lead, an `every` rule,
#       an `after` rule) and 100,000 events (10 % of the contacts) imported into the state store
#       first: `upcoming --days 7 --format json` (goal: within 2 s and 400 MB), and `--format table`.
#
#   bench/upcoming.sh [SMALL] [LARGE]     # contact counts of (a) and (b); default 100000 1000000
#
# RUNS (default 5, at least 3) runs per measurement; best and median wall time and the highest
# peak RSS are printed. SCRATCH (default .build-release) is the build directory. Then, for each of
# (a) and (b), where the time goes: the median of RUNS runs of each phase `upcoming` reports on
# stderr with TICKLER_TIMINGS=1 (with the peak memory by its end and its page faults), and, when
# perf is installed and allowed, `perf stat` of one run (CPU time, cores used).
#
# Needs python3 (standard library only) and the Swift toolchain; /usr/bin/time is used for peak RSS
# when installed. Installs nothing: without `remind`, part (a) runs Tickler alone and says how to
# install it (Debian/Ubuntu: sudo apt-get install remind). Data goes to a temporary directory.
set -euo pipefail

small=${1:-100000}
large=${2:-1000000}
runs=${RUNS:-5}
((runs < 3)) && runs=3
scratch=${SCRATCH:-.build-release}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
now=2027-03-01T00:00:00Z # a fixed instant: the same occurrences on every run and machine
remind_date=2027-03-01   # the same day for remind

command -v python3 >/dev/null || {
    echo "bench/upcoming.sh needs python3" >&2
    exit 1
}
remind=$(command -v remind || true)
if [[ -z $remind ]]; then
    echo "note: 'remind' is not installed, so part (a) runs without it; to compare, install it" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install remind) and run this script again" >&2
fi

echo "==> Building tickler (release, $scratch)"
cd "$root"
swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product tickler
tickler="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/tickler"

work="$(mktemp -d "${TMPDIR:-/tmp}/tickler-upcoming.XXXXXX")"
trap 'rm -rf "$work"' EXIT
results="$work/results.tsv"
: >"$results"

# measure LABEL OUT COMMAND...: RUNS runs, each appended to the results as LABEL, seconds, RSS.
measure() {
    local label=$1 out=$2
    shift 2
    for _ in $(seq "$runs"); do
        python3 "$root/bench/measure.py" "$label" "$out" "$@" >>"$results"
    done
}

# write_workspace DIR RULES: see bench/workspace.sh.
source "$root/bench/workspace.sh"

birthday_rule='  - { name: birthday-greeting, date: birthday, to: contact, channel: outbox, template: birthday-greeting }'
four_rules="$birthday_rule
  - { name: birthday-heads-up, date: birthday, before: [3d], to: owner, channel: outbox, template: birthday-heads-up }
  - { name: check-in, every: 14d, since: [call, meeting, purchase], spread: 3d, to: owner, channel: outbox,
      template: check-in }
  - { name: satisfaction-visit, after: purchase, delay: 30d, at: \"10:00\", window: \"09:00-18:00 mon-fri\",
      to: owner, channel: outbox, template: satisfaction-visit }"

echo "==> (a) Generating $small contacts and their birthdays as a remind file in $work/a"
write_workspace "$work/a" "$birthday_rule"
python3 "$root/bench/gen-contacts.py" --count "$small" --format csv --out "$work/a/contacts.csv"
python3 "$root/bench/gen-contacts.py" --count "$small" --format remind --out "$work/a/birthdays.rem"
"$tickler" check --config "$work/a/tickler.yaml"

echo "==> (a) tickler upcoming --days 366 --format json --now $now ($runs runs)"
measure "a tickler json" "$work/a/upcoming.json" \
    "$tickler" upcoming --config "$work/a/tickler.yaml" --days 366 --format json --now "$now"
if [[ -n $remind ]]; then
    echo "==> (a) remind -n birthdays.rem $remind_date ($runs runs)"
    measure "a remind -n" "$work/a/remind.txt" "$remind" -n "$work/a/birthdays.rem" "$remind_date"
fi

echo "==> (b) Generating $large contacts and events for 10 % of them in $work/b"
write_workspace "$work/b" "$four_rules"
python3 "$root/bench/gen-contacts.py" --count "$large" --format csv --out "$work/b/contacts.csv"
python3 "$root/bench/gen-events.py" --contacts "$large" --share 0.1 --now "$now" --out "$work/b/events.csv"
echo "==> (b) tickler event import events.csv (once, before timing upcoming)"
python3 "$root/bench/measure.py" "b event import" "$work/b/import.txt" \
    "$tickler" event import --config "$work/b/tickler.yaml" "$work/b/events.csv" >>"$results"
cat "$work/b/import.txt"

echo "==> (b) tickler upcoming --days 7 --format json --now $now ($runs runs)"
measure "b tickler json" "$work/b/upcoming.json" \
    "$tickler" upcoming --config "$work/b/tickler.yaml" --days 7 --format json --now "$now"
echo "==> (b) tickler upcoming --days 7 --format table --now $now (once)"
python3 "$root/bench/measure.py" "b tickler table" "$work/b/upcoming.txt" \
    "$tickler" upcoming --config "$work/b/tickler.yaml" --days 7 --format table --now "$now" >>"$results"

echo
echo "==> Where the time goes: the phases 'upcoming' reports with TICKLER_TIMINGS=1, median of $runs runs"
for part in a b; do
    days=$([[ $part == a ]] && echo 366 || echo 7)
    echo "($part) upcoming --days $days --format json:"
    python3 - "$runs" "$tickler" upcoming --config "$work/$part/tickler.yaml" --days "$days" --format json \
        --now "$now" <<'PY'
import os, re, statistics, subprocess, sys

runs, command = int(sys.argv[1]), sys.argv[2:]
phases, peaks, faults = {}, {}, {}
for _ in range(runs):
    child = subprocess.run(command, env=dict(os.environ, TICKLER_TIMINGS="1"), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, check=True)
    for line in child.stderr.decode().splitlines():
        match = re.match(r"tickler: timing: (\S+)\s+([\d.]+) s(?:\s+peak\s+(\d+) MB)?(?:\s+faults\s+(\d+))?", line)
        if match:
            phases.setdefault(match.group(1), []).append(float(match.group(2)))
            if match.group(3):
                peaks[match.group(1)] = max(peaks.get(match.group(1), 0), int(match.group(3)))
            if match.group(4):
                faults.setdefault(match.group(1), []).append(int(match.group(4)))
if not phases:
    print("    (this tickler reports no phases: TICKLER_TIMINGS is newer)")
for name, seconds in phases.items():
    peak = "   peak %4d MB" % peaks[name] if name in peaks else ""
    fault = "   page faults %6d" % statistics.median(faults[name]) if name in faults else ""
    print("    %-12s %.3f s%s%s" % (name, statistics.median(seconds), peak, fault))
PY
    if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
        perf stat -e task-clock -o "$work/perf.txt" "$tickler" upcoming --config "$work/$part/tickler.yaml" \
            --days "$days" --format json --now "$now" >/dev/null
        grep -E 'task-clock|elapsed' "$work/perf.txt" | sed -E 's/^ +/    perf stat: /; s/ +/ /g'
    fi
done

echo
python3 - "$results" "$work" "$large" <<'PY'
import json, os, statistics, sys

path, work = sys.argv[1], sys.argv[2]
rows = {}
for line in open(path):
    label, seconds, rss = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((float(seconds), int(rss)))

def count_json(name):
    return len(json.load(open(os.path.join(work, name), encoding="utf-8")))

counts = {"a tickler json": count_json("a/upcoming.json"), "b tickler json": count_json("b/upcoming.json")}
if os.path.exists(os.path.join(work, "a/remind.txt")):
    counts["a remind -n"] = sum(1 for line in open(os.path.join(work, "a/remind.txt"), encoding="utf-8") if line.strip())

print("%-16s %6s %9s %9s %10s %12s" % ("", "runs", "best", "median", "peak RSS", "occurrences"))
for label, measured in rows.items():
    times = [seconds for seconds, _ in measured]
    peak = max(rss for _, rss in measured) / 1024
    count = counts.get(label)
    print("%-16s %6d %8.3fs %8.3fs %7.1f MB %12s" % (
        label, len(times), min(times), statistics.median(times), peak, "" if count is None else "{:,}".format(count)))

print()
if "a remind -n" in rows:
    tickler = statistics.median(s for s, _ in rows["a tickler json"])
    remind = statistics.median(s for s, _ in rows["a remind -n"])
    same = "the same count" if counts["a tickler json"] == counts["a remind -n"] else "DIFFERENT counts"
    # Dates can differ for a few contacts: Tickler starts the 366 days at the instant `now`, which is
    # already the next day in zones east of UTC; remind starts on the date given.
    ours = {tuple(o["key"].split("/")[1:]) for o in json.load(open(os.path.join(work, "a/upcoming.json")))}
    theirs = set()
    for line in open(os.path.join(work, "a/remind.txt"), encoding="utf-8"):
        date, message = line.split()[:2]
        theirs.add((message.split("/")[1], date.replace("/", "-")))
    print("(a) %s: tickler %s, remind %s; the same (contact, day) for %s of them." % (
        same, "{:,}".format(counts["a tickler json"]), "{:,}".format(counts["a remind -n"]),
        "{:,}".format(len(ours & theirs))))
    print("(a) median wall time: tickler %.3f s, remind %.3f s: tickler takes %.2f× remind's time." % (
        tickler, remind, tickler / remind))
best = min(s for s, _ in rows["b tickler json"])
median = statistics.median(s for s, _ in rows["b tickler json"])
peak = max(r for _, r in rows["b tickler json"]) / 1024
met = median <= 2.0 and peak <= 400
print("(b) %s contacts: median %.3f s, best %.3f s, peak %.0f MB; the goal (for 1,000,000: 2 s and 400 MB) is %s." % (
    "{:,}".format(int(sys.argv[3])), median, best, peak, "met" if met else "NOT met"))
PY
