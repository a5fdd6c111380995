#!/usr/bin/env python3
"""Generate an events CSV for `tickler event import`, for load tests.

    bench/gen-events.py --contacts 1000000 --share 0.1 --now 2027-03-01T00:00:00Z --out /tmp/events.csv

One event for each of a random `--share` of the contacts c000001 … (the ids bench/gen-contacts.py
gives), at a random second of the `--days` days before `--now`: a purchase (50 %), a call (30 %)
or a meeting (20 %). Events carry ids `e0000001`, … so importing the file twice changes nothing. The
output is deterministic for a given seed; rows are in contact order. Python 3 standard library only.
"""

import argparse
import datetime
import random
import sys

TYPES = [("purchase", 0.5), ("call", 0.3), ("meeting", 0.2)]


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, required=True, help="how many contacts there are")
    parser.add_argument("--share", type=float, default=0.1, help="share of contacts with an event (default 0.1)")
    parser.add_argument("--now", required=True, help="RFC 3339; events fall in the days before it")
    parser.add_argument("--days", type=int, default=60, help="how far back events go (default 60)")
    parser.add_argument("--out", required=True, help="output file ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=2, help="random seed (default 2)")
    args = parser.parse_args(argv)
    if args.contacts < 0 or not 0 <= args.share <= 1 or args.days < 1:
        parser.error("--contacts must be 0 or more, --share within 0…1, --days 1 or more")
    rng = random.Random(args.seed)
    now = int(parse_time(args.now).timestamp())
    chosen = sorted(rng.sample(range(1, args.contacts + 1), round(args.contacts * args.share)))
    kinds = [kind for kind, _ in TYPES]
    weights = [weight for _, weight in TYPES]
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    with out:
        out.write("contact,type,at,note,id\r\n")
        for number, contact in enumerate(chosen, start=1):
            at = now - rng.randrange(1, args.days * 86_400)
            stamp = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            kind = rng.choices(kinds, weights)[0]
            out.write("c%06d,%s,%s,,e%07d\r\n" % (contact, kind, stamp, number))
    return 0


if __name__ == "__main__":
    sys.exit(main())
