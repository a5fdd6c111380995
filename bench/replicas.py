#!/usr/bin/env python3
"""Helpers of bench/replicas.sh (several `tickler run` replicas on one PostgreSQL database, issue 18).

    bench/replicas.py free-port
    bench/replicas.py events --count N --due EPOCH [--spread S] --delay S --out FILE
    bench/replicas.py throughput --label L --count N --due EPOCH [--timeout S] [--pids P,P] [--sink PID]
                                 [--postmaster PID] [--results FILE] LOG...
    bench/replicas.py lateness --events FILE --delay S --count N [--timeout S] [--pids P,P] LOG...
    bench/replicas.py idle --idle S [--settle S] [--heartbeat S] [--perf-sched FILE] --log FILE TICKLER CONFIG
    bench/replicas.py phases --log LOG --startup-output FILE
    bench/replicas.py start-cpu [--postmaster PID] --log FILE TICKLER CONFIG
    bench/replicas.py table FILE

free-port   a TCP port on 127.0.0.1 that was free an instant ago.
events      an events CSV for `tickler event import`: one purchase for each of the contacts c000001 …
            cN, event i (0-based) at due + floor(i * spread / N) − delay, so that a rule
            `after: purchase, delay: DELAY` makes reminder i due at due + floor(i * spread / N).
throughput  waits (the daemons already run, their stderr going to the LOGs) until N distinct keys have
            a `msg=delivered` line in the logs together — each such line is written after the store
            committed the delivery — or a daemon of --pids exits, or --timeout. Prints when every
            replica had started (before the due instant?), when the first send began and when the last
            delivery was recorded, both from the due instant, messages/s, the split among replicas,
            keys delivered twice, and the CPU seconds taken between the due instant and the end by the
            replicas, by the PostgreSQL server (--postmaster and its children) and by the sink. With
            --results, appends one tab-separated row for `table`.
lateness    waits the same way, then prints the distribution of send start − due from the `delivered`
            lines of all LOGs, computed as bench/daemon-lateness.py does (`time` minus `ms`), with the
            due instants from the events FILE plus DELAY; also per replica.
idle        starts `TICKLER run --config CONFIG`, waits for `started` and then until no log line has come
            for --settle seconds, then watches it for --idle seconds: voluntary and involuntary context
            switches of all its threads and its CPU time (utime + stime), from /proc as
            bench/daemon-idle.py reads them, but every 0.2 s and per thread, keeping the last counts of
            a thread that ended: a replica's heartbeat runs on libdispatch worker threads, which come
            and go, and a sum over the threads alive at two instants would lose (or go negative by)
            theirs. Prints the totals, per minute and per heartbeat (--heartbeat, seconds), the threads
            seen, RSS, and the log lines meanwhile. Reading /proc does not wake the process. With
            --perf-sched FILE, then 21 s of `perf record -e sched:sched_switch -g` of the daemon.
phases      from the log of one start timed by bench/daemon-idle.py and that script's output: the
            seconds from spawn to each log line up to `started` (loading and connecting end where the
            replica logs `joined the replicas`; then first-seen times, events and planning).
start-cpu   spawns `TICKLER run --config CONFIG`, waits for its `started` line, then prints the wall time
            from spawn, the CPU seconds the daemon used by then (all threads, user and system) and
            those of the PostgreSQL server meanwhile; the rest of the wall time is waiting (for the
            database's answers, its commits' fsync, the disk). Stops the daemon with SIGTERM.
table       the rows that `throughput --results` appended, as a Markdown table.

Python 3 standard library only.
"""

import argparse
import datetime
import importlib.util
import os
import re
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')
TICK = os.sysconf("SC_CLK_TCK")


def lateness_module():
    """bench/daemon-lateness.py (its percentile, summary and parse_time)."""
    spec = importlib.util.spec_from_file_location("daemon_lateness", os.path.join(HERE, "daemon-lateness.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LATENESS = lateness_module()
parse_time = LATENESS.parse_time


def fields_of(line):
    return {name: value.strip('"') for name, value in FIELDS.findall(line)}


class Logs:
    """The logs of running daemons, read as they grow (complete lines only)."""

    def __init__(self, paths):
        self.paths = paths
        self.offsets = {path: 0 for path in paths}
        self.partial = {path: b"" for path in paths}
        self.delivered = {path: {} for path in paths}  # key -> fields of its first delivered line
        self.started = {}  # path -> fields of the started line
        self.deliveries = {path: 0 for path in paths}  # delivered lines, duplicates included

    def read(self):
        for path in self.paths:
            try:
                with open(path, "rb") as handle:
                    handle.seek(self.offsets[path])
                    data = handle.read()
            except FileNotFoundError:
                continue
            self.offsets[path] += len(data)
            data = self.partial[path] + data
            lines = data.split(b"\n")
            self.partial[path] = lines.pop()
            for raw in lines:
                line = raw.decode("utf-8", "replace")
                if "msg=delivered" in line:
                    fields = fields_of(line)
                    self.deliveries[path] += 1
                    self.delivered[path].setdefault(fields.get("key", ""), fields)
                elif "msg=started" in line:
                    self.started[path] = fields_of(line)

    def keys(self):
        keys = set()
        for found in self.delivered.values():
            keys.update(found)
        return keys

    def wait(self, count, timeout, pids):
        """Until `count` distinct keys are delivered, a daemon exits, or `timeout`; returns a reason."""
        deadline = time.time() + timeout
        while True:
            self.read()
            if len(self.keys()) >= count:
                return "done"
            for pid in pids:
                if not alive(pid):
                    self.read()
                    return "daemon %d exited" % pid
            if time.time() >= deadline:
                return "timed out after %.0f s" % timeout
            time.sleep(0.05)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            stat = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / TICK


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def tree_cpu(pid):
    """CPU seconds of a process and its children now alive (PostgreSQL's backends are the
    postmaster's children; a backend's time is lost once it exits, and the replicas keep theirs)."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children(pid)) if pid else 0.0


def pid_list(text):
    return [int(p) for p in text.split(",") if p] if text else []


def command_free_port(_):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        print(sock.getsockname()[1])


def command_events(args):
    with open(args.out, "w", newline="") as handle:
        handle.write("contact,type,at,note,id\r\n")
        for i in range(args.count):
            at = args.due + i * args.spread // args.count - args.delay
            stamp = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            handle.write("c%06d,purchase,%s,,p%06d\r\n" % (i + 1, stamp, i + 1))


def started_margin(logs, due):
    """Seconds between the last replica's `started` line and the due instant (positive: in time)."""
    if len(logs.started) < len(logs.paths):
        return None
    return due - max(parse_time(f["time"]) for f in logs.started.values())


def command_throughput(args):
    pids = pid_list(args.pids)
    logs = Logs(args.logs)
    while time.time() < args.due:  # CPU is counted from the due instant
        logs.read()
        time.sleep(0.05)
    before = {"replicas": sum(cpu_seconds(p) for p in pids), "postgres": tree_cpu(args.postmaster),
              "sink": cpu_seconds(args.sink) if args.sink else 0.0}
    reason = logs.wait(args.count, args.timeout, pids)
    after = {"replicas": sum(cpu_seconds(p) for p in pids), "postgres": tree_cpu(args.postmaster),
             "sink": cpu_seconds(args.sink) if args.sink else 0.0}
    cpu = {name: after[name] - before[name] for name in before}
    keys = logs.keys()
    lines = [f for found in logs.delivered.values() for f in found.values()]
    margin = started_margin(logs, args.due)
    print("  %s: %s; %d of %d keys delivered" % (args.label, reason, len(keys), args.count))
    if margin is not None:
        print("    every replica had started %.1f s before the due instant%s" % (
            margin, "" if margin > 0 else "  (NOT before it: the figures include start-up)"))
    if not lines:
        return 1
    first = min(parse_time(f["time"]) - int(f["ms"]) / 1000 for f in lines) - args.due
    last = max(parse_time(f["time"]) for f in lines) - args.due
    rate = len(keys) / last if last > 0 else float("nan")
    split = " + ".join(str(len(logs.delivered[path])) for path in args.logs)
    twice = sum(logs.deliveries.values()) - len(keys)
    print("    first send began %+.3f s after the due instant; the last delivery recorded %.2f s after it: "
          "%.0f messages/s" % (first, last, rate))
    print("    delivered by replica: %s; keys delivered more than once: %d" % (split, twice))
    print("    CPU from the due instant to the end: replicas %.1f s, PostgreSQL %.1f s, sink %.1f s "
          "(of %.1f s × 2 cores)" % (cpu["replicas"], cpu["postgres"], cpu["sink"], last))
    if args.results:
        with open(args.results, "a") as handle:
            handle.write("\t".join([args.label, str(len(keys)), "%.2f" % last, "%.0f" % rate, "%.3f" % first,
                                    split, str(twice), "%.1f" % cpu["replicas"], "%.1f" % cpu["postgres"],
                                    "%.1f" % cpu["sink"], "%.1f" % (margin or 0)]) + "\n")
    return 0 if reason == "done" and twice == 0 else 1


def command_lateness(args):
    due = {}
    with open(args.events, encoding="utf-8", newline="") as handle:
        import csv
        for row in csv.DictReader(handle):
            due[row["contact"]] = parse_time(row["at"]) + args.delay
    logs = Logs(args.logs)
    reason = logs.wait(args.count, args.timeout, pid_list(args.pids))
    keys = logs.keys()
    print("  %s; %d of %d keys delivered; by replica %s; keys delivered more than once: %d" % (
        reason, len(keys), args.count, " + ".join(str(len(logs.delivered[p])) for p in args.logs),
        sum(logs.deliveries.values()) - len(keys)))
    margin = started_margin(logs, min(due.values()))
    if margin is not None:
        print("  every replica had started %.1f s before the first due instant" % margin)
    everyone = []
    for number, path in enumerate(args.logs, 1):
        late = []
        for fields in logs.delivered[path].values():
            match = re.search(r"c\d{6}", fields.get("key", ""))
            if match and match.group(0) in due:
                late.append(parse_time(fields["time"]) - int(fields["ms"]) / 1000 - due[match.group(0)])
        everyone += late
        if late and len(args.logs) > 1:
            print("  replica %d: %s" % (number, LATENESS.summary("log", late)))
    if not everyone:
        return 1
    print("  all:       %s" % LATENESS.summary("log", everyone))
    p99 = LATENESS.percentile([v * 1000 for v in everyone], 99)
    met = reason == "done" and p99 <= 100
    print("  goal (p99 <= 100 ms, send start − due, from the logs): %s" % ("met" if met else "NOT met"))
    return 0 if reason == "done" else 1


def thread_switches(pid, seen):
    """Updates seen[tid] = (voluntary, involuntary) for every thread of pid now alive."""
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return
    for task in tasks:
        try:
            text = open("/proc/%d/task/%s/status" % (pid, task)).read()
        except OSError:
            continue
        try:
            name = open("/proc/%d/task/%s/comm" % (pid, task)).read().strip()
        except OSError:
            name = "?"
        seen[task] = (int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1)),
                      int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", text, re.M).group(1)), name)


def command_idle(args):
    import signal
    import subprocess
    with open(args.log, "wb") as log:
        spawned = time.time()
        daemon = subprocess.Popen([args.tickler, "run", "--config", args.config], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=log)
    logs = Logs([args.log])
    lines_at = {"count": 0, "last": time.time()}

    def line_count():
        try:
            return sum(1 for _ in open(args.log, "rb"))
        except OSError:
            return 0

    while True:
        logs.read()
        if args.log in logs.started:
            break
        if daemon.poll() is not None or time.time() - spawned > args.timeout:
            daemon.kill()
            sys.exit("no `started` line (see %s)" % args.log)
        time.sleep(0.05)
    print("  started %.2f s after spawn" % (time.time() - spawned))
    while True:  # settle: no new log line for --settle seconds
        count = line_count()
        if count != lines_at["count"]:
            lines_at.update(count=count, last=time.time())
        if time.time() - lines_at["last"] >= args.settle:
            break
        time.sleep(0.2)
    pid = daemon.pid
    seen = {}
    thread_switches(pid, seen)
    start = dict(seen)
    cpu0, lines0, began = cpu_seconds(pid), line_count(), time.time()
    threads_alive = [len(seen)]
    bursts = []  # (offset, switches, thread names) of each 0.2 s with some
    while time.time() - began < args.idle and daemon.poll() is None:
        time.sleep(0.2)
        before = dict(seen)
        thread_switches(pid, seen)
        changed = {task: seen[task][0] - (before[task][0] if task in before else 0) for task in seen}
        changed = {task: count for task, count in changed.items() if count}
        if changed:
            bursts.append((time.time() - began, sum(changed.values()),
                           {seen[task][2] for task in changed}))
        try:
            threads_alive.append(len(os.listdir("/proc/%d/task" % pid)))
        except OSError:
            pass
    span = time.time() - began
    cpu = cpu_seconds(pid) - cpu0
    status = open("/proc/%d/status" % pid).read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    voluntary = sum(v[0] for v in seen.values()) - sum(v[0] for v in start.values())
    involuntary = sum(v[1] for v in seen.values()) - sum(v[1] for v in start.values())
    by_name = {}
    for task, (v, _, name) in seen.items():
        by_name[name] = by_name.get(name, 0) + v - (start[task][0] if task in start else 0)
    main = seen[str(pid)][0] - start[str(pid)][0]
    lines = line_count() - lines0
    if args.perf_sched:  # where each thread went to sleep, for the stacks of its wake-ups
        subprocess.run(["perf", "record", "-q", "-e", "sched:sched_switch", "-g", "-p", str(pid), "-o",
                        args.perf_sched, "--", "sleep", "21"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        daemon.kill()
    minutes, beats = span / 60, span / args.heartbeat
    print("  idle over %.0f s: %d voluntary context switches (all threads; main thread %d), %d involuntary, "
          "%.2f s CPU, %d log lines; threads alive %d–%d, %d seen in all (%d came and went); VmRSS %.0f MB" % (
              span, voluntary, main, involuntary, cpu, lines, min(threads_alive), max(threads_alive), len(seen),
              len(set(seen) - set(start)), rss))
    print("  voluntary context switches by thread name: " + ", ".join(
        "%s %d" % (name, count) for name, count in sorted(by_name.items(), key=lambda item: -item[1])))
    groups = []  # bursts less than 1 s apart are one wake-up
    for offset, count, names in bursts:
        if groups and offset - groups[-1][1] < 0.9:
            groups[-1][1], groups[-1][2] = offset, groups[-1][2] + count
            groups[-1][3].update(names)
        else:
            groups.append([offset, offset, count, set(names)])
    print("  wake-ups (bursts less than 0.9 s apart taken as one): %d; when (s from the start of the span, "
          "0.2 s resolution), switches, threads:" % len(groups))
    for first, _, count, names in groups:
        print("    %6.1f  %3d  %s" % (first, count, " ".join(sorted(names))))
    print("  per minute: %.1f voluntary context switches (main thread %.1f), %.1f involuntary, %.3f s CPU" % (
        voluntary / minutes, main / minutes, involuntary / minutes, cpu / minutes))
    print("  per heartbeat (every %.0f s, %.1f in the span): %.1f voluntary context switches, %.1f ms CPU" % (
        args.heartbeat, beats, voluntary / beats, cpu * 1000 / beats))


def command_phases(args):
    output = open(args.startup_output, encoding="utf-8").read()
    match = re.search(r"its time field: ([\d.]+) s", output)
    if not match:
        sys.exit("no start-up line in %s" % args.startup_output)
    lines = [fields_of(l) for l in open(args.log, encoding="utf-8", errors="replace") if "time=" in l]
    started = next((f for f in lines if f.get("msg") == "started"), None)
    if started is None:
        sys.exit("no started line in %s" % args.log)
    spawn = parse_time(started["time"]) - float(match.group(1))
    for fields in lines:
        extra = " ".join("%s=%s" % (k, v) for k, v in fields.items() if k not in ("time", "level", "msg", "config",
                                                                              "replica", "scheduled_through"))
        print("    %6.3f s  %s %s" % (parse_time(fields["time"]) - spawn, fields.get("msg"), extra))
        if fields is started:
            break


def command_start_cpu(args):
    import signal
    import subprocess
    server_before = tree_cpu(args.postmaster)
    with open(args.log, "wb") as log:
        spawned = time.time()
        daemon = subprocess.Popen([args.tickler, "run", "--config", args.config], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=log)
        while "msg=started" not in open(args.log, encoding="utf-8", errors="replace").read():
            if daemon.poll() is not None or time.time() - spawned > args.timeout:
                daemon.kill()
                sys.exit("no `started` line (see %s)" % args.log)
            time.sleep(0.01)
        wall = time.time() - spawned
        own, server = cpu_seconds(daemon.pid), tree_cpu(args.postmaster) - server_before
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    print("    spawn → started %.2f s: the daemon's CPU %.2f s (all its threads, user + system), PostgreSQL's "
          "CPU %.2f s (all its processes) meanwhile" % (wall, own, server))


def command_table(args):
    rows = [line.rstrip("\n").split("\t") for line in open(args.file) if line.strip()]
    print("| setup | delivered | due → all recorded delivered | messages/s | first send after due | by replica "
          "| twice | CPU replicas / PostgreSQL / sink | started before due |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, count, last, rate, first, split, twice, cpu_r, cpu_p, cpu_s, margin in rows:
        print("| %s | %s | %s s | %s | %s s | %s | %s | %s / %s / %s s | %s s |" % (
            label, count, last, rate, first, split, twice, cpu_r, cpu_p, cpu_s, margin))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("free-port").set_defaults(run=command_free_port)
    events = commands.add_parser("events")
    events.add_argument("--count", type=int, required=True)
    events.add_argument("--due", type=int, required=True)
    events.add_argument("--spread", type=int, default=0)
    events.add_argument("--delay", type=int, required=True)
    events.add_argument("--out", required=True)
    events.set_defaults(run=command_events)
    throughput = commands.add_parser("throughput")
    throughput.add_argument("--label", required=True)
    throughput.add_argument("--count", type=int, required=True)
    throughput.add_argument("--due", type=int, required=True)
    throughput.add_argument("--timeout", type=float, default=600)
    throughput.add_argument("--pids", default="")
    throughput.add_argument("--sink", type=int, default=0)
    throughput.add_argument("--postmaster", type=int, default=0)
    throughput.add_argument("--results")
    throughput.add_argument("logs", nargs="+")
    throughput.set_defaults(run=command_throughput)
    lateness = commands.add_parser("lateness")
    lateness.add_argument("--events", required=True)
    lateness.add_argument("--delay", type=int, required=True)
    lateness.add_argument("--count", type=int, required=True)
    lateness.add_argument("--timeout", type=float, default=300)
    lateness.add_argument("--pids", default="")
    lateness.add_argument("logs", nargs="+")
    lateness.set_defaults(run=command_lateness)
    idle = commands.add_parser("idle")
    idle.add_argument("--idle", type=float, default=120)
    idle.add_argument("--settle", type=float, default=15)
    idle.add_argument("--heartbeat", type=float, default=10)
    idle.add_argument("--timeout", type=float, default=300)
    idle.add_argument("--log", required=True)
    idle.add_argument("--perf-sched", help="then 21 s of `perf record -e sched:sched_switch -g` into this file")
    idle.add_argument("tickler")
    idle.add_argument("config")
    idle.set_defaults(run=command_idle)
    phases = commands.add_parser("phases")
    phases.add_argument("--log", required=True)
    phases.add_argument("--startup-output", required=True)
    phases.set_defaults(run=command_phases)
    start = commands.add_parser("start-cpu")
    start.add_argument("--postmaster", type=int, default=0)
    start.add_argument("--log", required=True)
    start.add_argument("--timeout", type=float, default=300)
    start.add_argument("tickler")
    start.add_argument("config")
    start.set_defaults(run=command_start_cpu)
    table = commands.add_parser("table")
    table.add_argument("file")
    table.set_defaults(run=command_table)
    args = parser.parse_args()
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
