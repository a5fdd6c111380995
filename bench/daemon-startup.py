#!/usr/bin/env python3
"""Time the start-up of two builds of `tickler run` in turn on one workspace (issue 15).

    bench/daemon-startup.py CONFIG RUNS TICKLER_A TICKLER_B
    bench/daemon-startup.py CONFIG_A,CONFIG_B RUNS TICKLER TICKLER


Each start: spawn `TICKLER run --config CONFIG`, read its log until the `started` line (the daemon
logs it after loading and planning, then arms its timer), then SIGTERM and wait. One start of each
build first, not counted (it records first-seen times in a fresh store); then RUNS rounds of A, B.
Prints min, median and max of each build's spawn → `started` time and its `plan_ms`, and the ratio
A / B taken round by round. With two configurations (comma-separated), build A starts on the first and
build B on the second: one build, two workspaces, compared the same way. Python 3 standard library only.
"""
import signal
import statistics
import subprocess
import sys
import time


def start(binary, config):
    began = time.monotonic()
    process = subprocess.Popen([binary, "run", "--config", config], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL)
    seconds, plan = None, None
    for line in process.stderr:
        line = line.decode()
        if "msg=started" in line:
            seconds = time.monotonic() - began
            plan = int(line.split("plan_ms=")[1].split()[0])
            break
    process.send_signal(signal.SIGTERM)
    process.wait()
    if seconds is None:
        sys.exit("%s exited (%d) without starting" % (binary, process.returncode))
    return seconds, plan


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    configs, runs, builds = sys.argv[1].split(","), int(sys.argv[2]), {"A": sys.argv[3], "B": sys.argv[4]}
    config = {"A": configs[0], "B": configs[-1]}
    for name, binary in builds.items():
        start(binary, config[name])
    results = {name: [] for name in builds}
    for _ in range(runs):
        for name, binary in builds.items():
            results[name].append(start(binary, config[name]))
    for name, runs_of in results.items():
        times = [seconds for seconds, _ in runs_of]
        plans = [plan for _, plan in runs_of]
        print("%s started after min %.3f, median %.3f, max %.3f s; plan_ms median %d (%s)" % (
            name, min(times), statistics.median(times), max(times), statistics.median(plans), builds[name] + " on " + config[name]))
    ratios = [a[0] / b[0] for a, b in zip(results["A"], results["B"])]
    print("A / B by round: min %.3f, median %.3f, max %.3f" % (min(ratios), statistics.median(ratios), max(ratios)))


if __name__ == "__main__":
    main()
