#!/usr/bin/env python3
"""Start `tickler run`, time its start-up, then watch it idle (issue 6).

    bench/daemon-idle.py TICKLER CONFIG [--idle SECONDS] [--settle SECONDS] [--log FILE]

Start-up: the time from just before the process is spawned until the `started` log line is read
(the daemon logs it after planning, then creates and arms its one timer), with the line's
`plan_ms`, `planned` and `contacts`; the log line's own `time` minus the spawn time is printed too.

Then it waits until no log line has come for --settle seconds (deliveries caught up at start are
done). Idle (--idle > 0): then samples /proc/PID every 10 s for --idle seconds: voluntary and involuntary context
switches (summed over all threads in /proc/PID/task/*/status, and of the main thread alone), CPU
time (utime+stime of /proc/PID/stat, all threads), VmRSS and VmHWM, and the thread count; then
prints the differences over the span and stops the daemon with SIGTERM. Reading /proc does not wake
the process. Python 3 standard library only.
"""

import argparse
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    voluntary = involuntary = threads = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            text = open("/proc/%d/task/%s/status" % (pid, task)).read()
        except OSError:
            continue
        threads += 1
        voluntary += int(re.search(r"voluntary_ctxt_switches:\s+(\d+)", text).group(1))
        involuntary += int(re.search(r"nonvoluntary_ctxt_switches:\s+(\d+)", text).group(1))
    status = open("/proc/%d/status" % pid).read()
    main_voluntary = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
    stat = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / TICK  # fields 14 and 15: utime, stime
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    return dict(t=time.time(), vol=voluntary, invol=involuntary, main_vol=main_voluntary, cpu=cpu, rss=rss,
                hwm=hwm, threads=threads)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tickler")
    parser.add_argument("config")
    parser.add_argument("--idle", type=float, default=600)
    parser.add_argument("--settle", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=600, help="longest wait for `started`")
    parser.add_argument("--log", default="daemon.log")
    args = parser.parse_args()

    lines, last_line = [], [time.time()]
    started_event = threading.Event()
    spawned = time.time()
    daemon = subprocess.Popen([args.tickler, "run", "--config", args.config], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def reader():
        with open(args.log, "w", encoding="utf-8") as log:
            for raw in daemon.stderr:
                line = raw.decode("utf-8", "replace")
                now = time.time()
                log.write(line)
                log.flush()
                lines.append((now, line))
                last_line[0] = now
                if "msg=started" in line:
                    started_event.set()

    threading.Thread(target=reader, daemon=True).start()
    if not started_event.wait(args.timeout):
        daemon.kill()
        sys.exit("no `started` line within %.0f s (see %s)" % (args.timeout, args.log))
    seen, line = next((t, l) for t, l in lines if "msg=started" in l)
    fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    logged = datetime.datetime.fromisoformat(fields["time"].replace("Z", "+00:00")).timestamp()
    at_start = sample(daemon.pid)
    print("start-up: started line read %.3f s after spawn (its time field: %.3f s); plan_ms=%s planned=%s "
          "contacts=%s rules=%s; so loading etc. before planning ≈ %.3f s; RSS %.0f MB, HWM %.0f MB" % (
              seen - spawned, logged - spawned, fields.get("plan_ms"), fields.get("planned"),
              fields.get("contacts"), fields.get("rules"), logged - spawned - int(fields.get("plan_ms", 0)) / 1000,
              at_start["rss"], at_start["hwm"]))

    if args.settle > 0:
        while time.time() - last_line[0] < args.settle:
            time.sleep(1)
        print("settled %.1f s after spawn: %d log lines (%d delivered), the last %.1f s ago" % (
            time.time() - spawned, len(lines), sum(1 for _, l in lines if "msg=delivered" in l),
            time.time() - last_line[0]))
    after_settle = len(lines)
    if args.idle > 0:
        first = sample(daemon.pid)
        print("%7s %10s %8s %9s %8s %8s %8s %7s" % ("t (s)", "vol. cs", "main cs", "invol. cs", "cpu s", "RSS MB",
                                                     "HWM MB", "threads"))
        row = "%7.0f %10d %8d %9d %8.2f %8.0f %8.0f %7d"
        print(row % (0, first["vol"], first["main_vol"], first["invol"], first["cpu"], first["rss"], first["hwm"],
                     first["threads"]))
        end = first["t"] + args.idle
        last = first
        while time.time() < end:
            time.sleep(min(10, max(0, end - time.time())))
            last = sample(daemon.pid)
            print(row % (last["t"] - first["t"], last["vol"], last["main_vol"], last["invol"], last["cpu"],
                         last["rss"], last["hwm"], last["threads"]), flush=True)
        span = last["t"] - first["t"]
        print("idle over %.0f s: %d voluntary context switches (all threads; main thread %d), %d involuntary, "
              "%.2f s CPU, %d log lines; VmRSS %.0f MB, VmHWM %.0f MB" % (
                  span, last["vol"] - first["vol"], last["main_vol"] - first["main_vol"],
                  last["invol"] - first["invol"], last["cpu"] - first["cpu"], len(lines) - after_settle,
                  last["rss"], last["hwm"]))
        met = last["vol"] - first["vol"] <= 2 and last["hwm"] <= 400
        print("goal (no periodic wake-ups, RSS within 400 MB): %s" % ("met" if met else "NOT met"))
    daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        daemon.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
