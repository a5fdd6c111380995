#!/usr/bin/env python3
"""The Python senders bench/delivery.sh compares Tickler with, each printing one JSON line in
tickler-bench's format (per_s, wall_s, latency percentiles in milliseconds, CPU time, failures).

    bench/py-senders.py smtp-per-message  --port P --messages N --eml FILE
    bench/py-senders.py smtp-reused       --port P --messages N --eml FILE
    bench/py-senders.py http-client       --url http://127.0.0.1:P/hook --requests N --body FILE
    bench/py-senders.py apprise           --url json://127.0.0.1:P/hook --requests N --text FILE

smtp-per-message  smtplib: a new connection per message (connect, EHLO, MAIL, RCPT, DATA, QUIT).
smtp-reused       smtplib: one connection, `sendmail` per message.
http-client       http.client: one keep-alive connection, a POST of the JSON body per request.
apprise           Apprise's `json://` target, `Apprise.notify(title, body)` per request (Apprise
                  builds its own JSON and posts it with requests, a new connection each time).

FILE is what `tickler-bench sample smtp|webhook|text` writes: the same email bytes, JSON body, or
subject and text Tickler sends. The first 1 % of the messages (at least one) are a warm-up, not timed.
"""

import argparse
import json
import resource
import sys
import time

SENDER = "service@example.com"
RECIPIENT = "c1@example.cn"
LOCAL_HOSTNAME = "bench.localdomain"  # smtplib would otherwise look up the machine's FQDN


def smtp_per_message(options):
    import smtplib

    message = open(options.eml, "rb").read()

    def send(_):
        with smtplib.SMTP("127.0.0.1", options.port, local_hostname=LOCAL_HOSTNAME) as client:
            client.sendmail(SENDER, [RECIPIENT], message)

    return send, None


def smtp_reused(options):
    import smtplib

    message = open(options.eml, "rb").read()
    client = smtplib.SMTP("127.0.0.1", options.port, local_hostname=LOCAL_HOSTNAME)

    def send(_):
        client.sendmail(SENDER, [RECIPIENT], message)

    return send, client.quit


def http_client(options):
    import http.client
    import urllib.parse

    body = open(options.body, "rb").read()
    url = urllib.parse.urlsplit(options.url)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    headers = {"Content-Type": "application/json"}

    def send(_):
        connection.request("POST", url.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError("HTTP %d" % response.status)

    return send, connection.close


def apprise_json(options):
    import logging

    import apprise

    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    text = json.load(open(options.text, encoding="utf-8"))
    notifier = apprise.Apprise()
    if not notifier.add(options.url):
        sys.exit("apprise does not take the URL %r" % options.url)

    def send(_):
        if not notifier.notify(body=text["text"], title=text["subject"]):
            raise RuntimeError("apprise reported a failed notification")

    return send, None


SENDERS = {
    "smtp-per-message": smtp_per_message,
    "smtp-reused": smtp_reused,
    "http-client": http_client,
    "apprise": apprise_json,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sender", choices=sorted(SENDERS))
    parser.add_argument("--port", type=int)
    parser.add_argument("--url")
    parser.add_argument("--messages", "--requests", dest="count", type=int, default=1000)
    parser.add_argument("--eml")
    parser.add_argument("--body")
    parser.add_argument("--text")
    options = parser.parse_args()

    send, close = SENDERS[options.sender](options)
    warmup = max(1, options.count // 100)
    for index in range(warmup):
        send(index)
    latencies = []
    failures = 0
    first_failure = None
    clock = time.perf_counter
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = clock()
    for index in range(warmup, warmup + options.count):
        sent = clock()
        try:
            send(index)
        except Exception as error:  # counted and reported, as tickler-bench does
            failures += 1
            first_failure = first_failure or repr(error)
        latencies.append(clock() - sent)
    wall = clock() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    if close:
        close()

    latencies.sort()

    def percentile(p):
        rank = max(1, min(len(latencies), -(-len(latencies) * p // 100)))
        return round(latencies[int(rank) - 1] * 1e3, 3)

    user = after.ru_utime - before.ru_utime
    system = after.ru_stime - before.ru_stime
    line = {
        "bench": options.sender,
        "count": options.count,
        "connections": 1,
        "per_s": round(options.count / wall, 1),
        "wall_s": round(wall, 3),
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "max_ms": percentile(100),
        "cpu_user_s": round(user, 3),
        "cpu_sys_s": round(system, 3),
        "cpu_us_per_msg": round((user + system) / options.count * 1e6, 1),
        "warmup": warmup,
        "failures": failures,
    }
    if first_failure:
        line["first_failure"] = first_failure
    print(json.dumps(line, ensure_ascii=False))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
