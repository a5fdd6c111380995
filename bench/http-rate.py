#!/usr/bin/env python3
"""Fixed-rate HTTP load with latency percentiles, for bench/http.sh (wrk has no fixed rate).

    bench/http-rate.py --url http://127.0.0.1:8025/v1/events --rate 1000 --seconds 10 \
        --header 'Authorization: Bearer T' --body tickler|alertmanager

Opens --connections keep-alive connections and sends --rate requests a second in all, each at its
scheduled instant; a request's latency runs from that instant (not from when a connection was free:
no coordinated omission) to the end of its answer. Prints JSON: sent, ok (2xx), p50/p99/max in ms.
Python 3 standard library only (asyncio streams).
"""

import argparse
import asyncio
import json
import time
import urllib.parse


def body_for(kind, n):
    if kind == "alertmanager":
        return '[{"labels":{"alertname":"callback","contact":"c%d","id":"r%d"}}]' % (n % 1000 + 1, n)
    return '{"contact":"c%06d","type":"purchase","id":"r%d-%d"}' % (n % 1000 + 1, START, n)


async def connection(url, headers, kind, queue, results):
    host, port = url.hostname, url.port
    reader, writer = await asyncio.open_connection(host, port)
    while True:
        item = await queue.get()
        if item is None:
            writer.close()
            return
        n, scheduled = item
        body = body_for(kind, n).encode()
        head = "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
            url.path, host, port, len(body), "".join(h + "\r\n" for h in headers))
        writer.write(head.encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        if length:
            await reader.readexactly(length)
        status = int(status_line.split()[1]) if status_line else 0
        results.append((time.monotonic() - scheduled, status))


async def main(args):
    url = urllib.parse.urlparse(args.url)
    queue = asyncio.Queue()
    results = []
    workers = [asyncio.create_task(connection(url, args.header, args.body, queue, results))
               for _ in range(args.connections)]
    total = args.rate * args.seconds
    start = time.monotonic() + 0.2
    for n in range(total):
        scheduled = start + n / args.rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((n, scheduled))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    latencies = sorted(r[0] * 1000 for r in results)
    ok = sum(1 for r in results if 200 <= r[1] < 300)
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)
    print(json.dumps({"sent": total, "ok": ok, "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                      "max_ms": round(latencies[-1], 2)}))


START = int(time.time())
if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--body", choices=["tickler", "alertmanager"], default="tickler")
    asyncio.run(main(parser.parse_args()))
