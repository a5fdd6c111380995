#!/usr/bin/env python3
"""Run `tickler run` until N reminder files exist, then print how late each send started (issue 6).

    bench/daemon-lateness.py TICKLER CONFIG OUTBOX-DIR EVENTS.csv DELAY-SECONDS COUNT [--timeout S] [--log FILE]

The daemon is started on CONFIG (its stderr goes to --log), this script waits until COUNT files are
in OUTBOX-DIR (the `file` channel's directory), stops it with SIGTERM and prints the distribution of
lateness = send start − due, where due = the event's `at` (from EVENTS.csv, the file imported
before) + DELAY-SECONDS, matched by contact id (one event per contact). Two measures of the send
start are printed:

- mtime: the file's modification time (the channel writes a temporary file, then fsyncs and renames
  it; the mtime is the end of the write, just before the fsync), and
- log: the `delivered` line's `time` minus its `ms` (the daemon's clock when the attempt began,
  after the `sending` row was committed; millisecond resolution).

Python 3 standard library only.
"""

import argparse
import csv
import datetime
import os
import re
import signal
import statistics
import subprocess
import sys
import time


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def summary(name, values):
    ms = [v * 1000 for v in values]
    return "%-6s n=%d  min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f ms" % (
        name, len(ms), min(ms), percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), max(ms),
        statistics.mean(ms))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tickler")
    parser.add_argument("config")
    parser.add_argument("outbox")
    parser.add_argument("events")
    parser.add_argument("delay", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--log", default="daemon.log")
    args = parser.parse_args()

    due = {}
    with open(args.events, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            due[row["contact"]] = parse_time(row["at"]) + args.delay

    os.makedirs(args.outbox, exist_ok=True)
    with open(args.log, "wb") as log:
        started = time.time()
        daemon = subprocess.Popen([args.tickler, "run", "--config", args.config], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=log)
        deadline = started + args.timeout
        files = []
        while time.time() < deadline and daemon.poll() is None:
            files = [f for f in os.listdir(args.outbox) if not f.startswith(".")]
            if len(files) >= args.count:
                break
            time.sleep(0.2)
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=30)
    print("daemon exit status %d; %d files of %d expected after %.1f s" % (
        code, len(files), args.count, time.time() - started))

    by_mtime, first_of_instant = [], {}
    for name in files:
        match = re.search(r"c\d{6}", name)
        if match and match.group(0) in due:
            late = os.stat(os.path.join(args.outbox, name)).st_mtime_ns / 1e9 - due[match.group(0)]
            by_mtime.append(late)
            instant = due[match.group(0)]
            first_of_instant[instant] = min(first_of_instant.get(instant, late), late)
    by_log = []
    for line in open(args.log, encoding="utf-8", errors="replace"):
        if "msg=delivered" not in line:
            continue
        fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
        match = re.search(r"c\d{6}", fields.get("key", ""))
        if match and match.group(0) in due:
            by_log.append(parse_time(fields["time"]) - int(fields["ms"]) / 1000 - due[match.group(0)])
    if by_mtime:
        print(summary("mtime", by_mtime))
    if by_log:
        print(summary("log", by_log))
    if first_of_instant:
        print(summary("first", list(first_of_instant.values())) + "  (the first file of each due instant, "
              "%d instants, ~%.0f reminders each)" % (len(first_of_instant), len(by_mtime) / len(first_of_instant)))
    early = sum(1 for v in by_mtime if v < 0)
    if early:
        print("note: %d files written BEFORE their due instant" % early)
    met = bool(by_mtime) and len(files) >= args.count and percentile([v * 1000 for v in by_mtime], 99) <= 50
    print("goal (p99 <= 50 ms, by mtime): %s" % ("met" if met else "NOT met"))
    return 0 if len(files) >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
