#!/usr/bin/env python3
"""Generate N valid Tickler contacts as CSV, YAML or vCard, for load tests.

    bench/gen-contacts.py --count 100000 --format csv --out /tmp/contacts.csv [--seed 1]
    bench/gen-contacts.py --count 100000 --format remind --out /tmp/birthdays.rem [--seed 1]

The output is deterministic for a given seed. Contacts have ids c000001, c000002, ...; names mixing
Chinese and English (a few with commas, quotes or apostrophes, to exercise quoting); e-mail addresses;
birthdays with and without a year (a few on Feb 29 of leap years); ~10% lunar birthdays (a few in a
leap month); one of ten IANA zones or none (the configured default); tier key or ordinary; tags; and
owners li.na, wang.qiang and emily.carter (or, with `--owners N`, o0001 … oN, each the same share of
the contacts). Python 3 standard library only.

`--format remind` writes the birthdays of the same contacts (same count and seed) as a file for
Debian's `remind`, one yearly `REM` line per contact that has a birthday, for comparing
`tickler upcoming` with `remind -n` (bench/upcoming.sh). A Feb 29 birthday is written
`REM 1 Mar --1`, the last day of February: Feb 29 in leap years and Feb 28 in common years, which is
what Tickler's default `feb29: feb28` does.
"""

import argparse
import calendar
import csv
import json
import random
import sys

OWNERS = ["li.na", "wang.qiang", "emily.carter"]
ZONES = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
]
TAGS = ["华东", "华南", "retail", "wholesale", "vip", "newsletter", "partner", "beijing", "shanghai", "trial"]
CHINESE_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官"]
CHINESE_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
                 "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "雨涵", "子轩", "梓萱", "浩然", "欣怡"]
PINYIN = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu"]
ENGLISH_FIRST = ["Emily", "James", "Olivia", "Liam", "Sophia", "Noah", "Ava", "William", "Mia", "Lucas",
                 "Charlotte", "Henry", "Amelia", "Jack", "Harper", "Zoë", "José", "Chloé", "Søren", "Anaïs"]
ENGLISH_LAST = ["Carter", "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Anderson",
                "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "O'Brien", "García", "Müller"]
DOMAINS = ["example.com", "example.org", "example.net", "example.cn"]
LEAP_YEARS = [1960, 1964, 1968, 1972, 1976, 1980, 1984, 1988, 1992, 1996, 2000, 2004]

FIELDS = ["id", "name", "email", "phone", "timezone", "tier", "tags", "owner", "birthday", "lunar_birthday"]


def make_contact(rng, number, owners=OWNERS):
    """One contact as a dict of field -> text (tags as a list); absent fields are missing."""
    contact = {"id": "c%06d" % number}
    kind = rng.random()
    if kind < 0.5:
        surname = rng.choice(CHINESE_SURNAMES) if rng.random() < 0.97 else rng.choice(COMPOUND_SURNAMES)
        contact["name"] = surname + rng.choice(CHINESE_GIVEN)
        local = "%s.%d" % (rng.choice(PINYIN), number)
    elif kind < 0.85:
        first, last = rng.choice(ENGLISH_FIRST), rng.choice(ENGLISH_LAST)
        special = rng.random()
        if special < 0.02:
            contact["name"] = "%s, %s" % (last, first)
        elif special < 0.03:
            contact["name"] = '%s "%s" %s' % (first, first[:3], last)
        else:
            contact["name"] = "%s %s" % (first, last)
        local = "%s.%d" % (ascii_only(first), number)
    else:
        pinyin = rng.choice(PINYIN)
        contact["name"] = "%s%s (%s %s)" % (
            rng.choice(CHINESE_SURNAMES), rng.choice(CHINESE_GIVEN), rng.choice(ENGLISH_FIRST), pinyin.title())
        local = "%s.%d" % (pinyin, number)
    contact["email"] = "%s@%s" % (local, rng.choice(DOMAINS))
    if rng.random() < 0.5:
        contact["phone"] = "+86 1%02d %04d %04d" % (rng.randrange(30, 90), rng.randrange(10000), rng.randrange(10000))
    if rng.random() < 0.7:
        contact["timezone"] = rng.choice(ZONES)
    contact["tier"] = "key" if rng.random() < 0.2 else "ordinary"
    tags = rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3]))
    if tags:
        contact["tags"] = tags
    contact["owner"] = owners[number % len(owners)] if owners is not OWNERS else rng.choice(owners)
    if rng.random() < 0.8:
        contact["birthday"] = birthday(rng)
    if rng.random() < 0.1:
        month, day = rng.randrange(1, 13), rng.randrange(1, 31)
        leap = "L" if rng.random() < 0.03 else ""
        contact["lunar_birthday"] = "%s%02d-%02d" % (leap, month, day)
    return contact


def birthday(rng):
    """`YYYY-MM-DD` (70%) or `--MM-DD`; about 1 in 300 on Feb 29 of a leap year."""
    if rng.random() < 0.003:
        return "%d-02-29" % rng.choice(LEAP_YEARS)
    year = rng.randrange(1950, 2006)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, calendar.monthrange(year, month)[1] + 1)
    if rng.random() < 0.7:
        return "%04d-%02d-%02d" % (year, month, day)
    return "--%02d-%02d" % (month, day)


def ascii_only(text):
    """`Zoë` -> `Zoe`, for e-mail local parts."""
    table = {"ë": "e", "é": "e", "ø": "o", "ï": "i", "ü": "u", "í": "i"}
    return "".join(table.get(c, c) for c in text.lower())


def write_csv(contacts, out):
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled inside quoted fields
    writer.writerow(FIELDS)
    for contact in contacts:
        writer.writerow([";".join(contact[f]) if f == "tags" and f in contact else contact.get(f, "") for f in FIELDS])


def write_yaml(contacts, out):
    out.write("# Generated by bench/gen-contacts.py\n")
    for contact in contacts:
        first = True
        for field in FIELDS:
            if field not in contact:
                continue
            value = contact[field]
            if field == "tags":
                text = "[" + ", ".join(yaml_string(tag) for tag in value) + "]"
            elif field in ("id", "email", "timezone", "tier", "owner", "birthday", "lunar_birthday"):
                text = value  # plain scalars, as people write them; dates are read as written
            else:
                text = yaml_string(value)
            out.write(("- " if first else "  ") + field + ": " + text + "\n")
            first = False


def yaml_string(text):
    """A double-quoted YAML scalar (JSON string syntax is valid YAML), non-ASCII kept as is."""
    return json.dumps(text, ensure_ascii=False)


def write_vcf(contacts, out):
    for contact in contacts:
        lines = ["BEGIN:VCARD", "VERSION:4.0", "UID:" + contact["id"], "FN:" + vcard_text(contact["name"]),
                 "EMAIL:" + vcard_text(contact["email"])]
        if "phone" in contact:
            lines.append("TEL;VALUE=uri:tel:" + contact["phone"].replace(" ", "-"))
        if "birthday" in contact:
            # RFC 6350 basic format: 19800314, or --0314 without a year.
            date = contact["birthday"]
            lines.append("BDAY:" + ("--" + date[2:].replace("-", "") if date.startswith("--") else date.replace("-", "")))
        if "timezone" in contact:
            lines.append("TZ:" + contact["timezone"])
        if "tags" in contact:
            lines.append("CATEGORIES:" + ",".join(vcard_text(tag) for tag in contact["tags"]))
        lines.append("X-TICKLER-TIER:" + contact["tier"])
        lines.append("X-TICKLER-OWNER:" + contact["owner"])
        if "lunar_birthday" in contact:
            lines.append("X-TICKLER-LUNAR-BIRTHDAY:" + contact["lunar_birthday"])
        lines.append("END:VCARD")
        for line in lines:
            out.write(fold(line))


def vcard_text(text):
    """RFC 6350 TEXT escaping: backslash, comma, semicolon, newline."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line):
    """A content line folded at 75 octets (RFC 6350 3.2) without splitting a UTF-8 character, CRLF-ended."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line + "\r\n"
    parts, current, limit = [], "", 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current, limit = "", 74  # continuation lines start with one space
        current += char
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_remind(contacts, out):
    out.write("# Generated by bench/gen-contacts.py: the contacts' birthdays, for remind -n\n")
    for contact in contacts:
        if "birthday" not in contact:
            continue
        month, day = (int(part) for part in contact["birthday"][-5:].split("-"))
        if (month, day) == (2, 29):
            rem = "REM 1 Mar --1"  # the last day of February: Feb 29, or Feb 28 in common years
        else:
            rem = "REM %d %s" % (day, MONTHS[month - 1])
        out.write("%s MSG birthday-greeting/%s\n" % (rem, contact["id"]))


WRITERS = {"csv": write_csv, "yaml": write_yaml, "vcf": write_vcf, "remind": write_remind}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True, help="how many contacts")
    parser.add_argument("--format", choices=sorted(WRITERS), required=True)
    parser.add_argument("--out", required=True, help="output file ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--owners", type=int, default=0, help="owners o0001 … oN instead of the three names")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be 0 or more")
    rng = random.Random(args.seed)
    owners = ["o%04d" % n for n in range(1, args.owners + 1)] if args.owners else OWNERS
    contacts = (make_contact(rng, number, owners) for number in range(1, args.count + 1))
    if args.out == "-":
        out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)
    else:
        out = open(args.out, "w", encoding="utf-8", newline="")
    with out:
        WRITERS[args.format](contacts, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
