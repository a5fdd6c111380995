#!/usr/bin/env python3
"""Prints bench/delivery.sh's table from its raw results, and whether issue 5's goals are met.

    bench/delivery-table.py RESULTS CLK_TCK

RESULTS has one line per run: label, sink, the sink's CPU time during the run in clock ticks, and
the sender's JSON line (tickler-bench's or bench/py-senders.py's), tab-separated. Per row (label and
sink): best and median messages per second, the median of the runs' p50 and p99 latency of one
message, the median CPU time per message of the sender and of the sink, and how busy the sink was
(its CPU time over the run's wall time; 100 % is one whole core, which a single-threaded sink cannot
exceed). Python 3 standard library only.
"""

import json
import statistics
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ticks_per_second = float(sys.argv[2])
    rows = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        label, sink, ticks, payload = line.rstrip("\n").split("\t", 3)
        result = json.loads(payload)
        result["sink_cpu_s"] = int(ticks) / ticks_per_second
        rows.setdefault((label, sink), []).append(result)

    header = ["sender", "sink", "count", "runs", "best /s", "median /s", "p50 ms", "p99 ms",
              "sender CPU µs/msg", "sink CPU µs/msg", "sink busy"]
    table = [header]
    medians = {}
    for (label, sink), results in rows.items():
        rates = [r["per_s"] for r in results]
        median_rate = statistics.median(rates)
        medians[(label, sink)] = median_rate
        sink_us = statistics.median(r["sink_cpu_s"] / r["count"] * 1e6 for r in results)
        busy = statistics.median(r["sink_cpu_s"] / r["wall_s"] * 100 for r in results)
        table.append([
            label, sink, "{:,}".format(results[0]["count"]), str(len(results)),
            "{:,.0f}".format(max(rates)), "{:,.0f}".format(median_rate),
            "%.3f" % statistics.median(r["p50_ms"] for r in results),
            "%.3f" % statistics.median(r["p99_ms"] for r in results),
            "%.0f" % statistics.median(r["cpu_us_per_msg"] for r in results),
            "%.0f" % sink_us, "%.0f %%" % busy,
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for number, row in enumerate(table):
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        print("  ".join(cells).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))

    def rate(label, sink):
        return medians.get((label, sink))

    print()
    print("Goals of issue 5 (medians):")
    sinks = sorted({sink for _, sink in rows})
    for sink in sinks:
        one = rate("tickler smtp, 1 connection", sink)
        batched = rate("tickler smtp, 1 connection, 8 senders", sink)
        four = rate("tickler smtp, 4 connections", sink)
        for label, value in (("one connection", one), ("one connection, 8 senders", batched)):
            if value is not None:
                print("  SMTP, %s, %s sink: %.0f/s against 1,500/s: %s" % (
                    label, sink, value, "met" if value >= 1500 else "NOT met (%.0f %% of it)" % (value / 15)))
        if one and four is not None:
            print("  SMTP, 4 connections, %s sink: %.0f/s, %.2f× one connection: %s" % (
                sink, four, four / one, "more" if four > one else "NOT more"))
        hook = max(filter(None, [rate("tickler webhook, 1 connection", sink),
                                 rate("tickler webhook, 4 connections", sink)]), default=None)
        if hook is not None:
            print("  webhooks, %s receiver: %.0f/s against 4,000/s: %s" % (
                sink, hook, "met" if hook >= 4000 else "NOT met (%.0f %% of it)" % (hook / 40)))
            apprise = rate("apprise json://", sink)
            if apprise:
                print("  webhooks, %s receiver: %.1f× Apprise's %.0f/s against 10×: %s" % (
                    sink, hook / apprise, apprise, "met" if hook >= 10 * apprise else "NOT met"))


if __name__ == "__main__":
    main()
