#!/usr/bin/env python3
"""Writes chinese-calendar-1901-2099.csv, the independent reference for ChineseCalendarTests.

Source: the PyPI package `lunardate` 0.3.0 (pure Python, table-based: a bit-packed table of month
lengths and leap months per Chinese year 1900-2099, derived from Fung F. Lee and Ricky Yeung's `lunar`
program) -- a source independent of Foundation/ICU, which Tickler's ChineseCalendar is built from.

    pip install lunardate==0.3.0
    python3 Tests/TicklerCoreTests/Fixtures/make-chinese-calendar-fixture.py

One row per Chinese year whose new year lies in Gregorian year 1901...2099:
    year        the Gregorian year the Chinese new year lies in
    new_year    the Gregorian date of the first day of month 1 (YYYY-MM-DD)
    leap_month  the month the leap month follows (its number), or 0 when the year has none
    months      the lengths (29/30) of the year's 12 or 13 months in order, the leap month in its place

With `--compare` (after `pip install lunar-python==1.4.8`), the table is checked against `lunar-python`
(6tail's, which computes new moons and solar terms astronomically instead of reading a table) and the
disagreements are printed; the file is then not written. Result with lunar-python 1.4.8: 1933, 1954
and 1978 differ (lunardate is a day off at one month boundary; the new moon's time and Calendrical
Calculations side with lunar-python) and 2057 (a new moon 11 seconds before midnight, UTC+8:
undecidable). ChineseCalendarTests lists these and the
years where Foundation differs from this table, with the reasons.
"""

import datetime
import pathlib
import sys

from lunardate import LunarDate


def lunardate_year(year):
    """(new_year, leap_month, [lengths]) of the Chinese year starting in `year`, from lunardate."""
    leap = LunarDate.leap_month_for_year(year) or 0
    months = []
    for month in range(1, 13):
        months.append((month, False))
        if month == leap:
            months.append((month, True))
    starts = [LunarDate(year, m, 1, leap_flag).to_solar_date() for m, leap_flag in months]
    starts.append(LunarDate(year + 1, 1, 1).to_solar_date() if year < 2099 else None)
    lengths = []
    for index, (month, leap_flag) in enumerate(months):
        if starts[index + 1] is not None:
            lengths.append((starts[index + 1] - starts[index]).days)
        else:  # the last month of 2099: ask for day 30 directly
            try:
                LunarDate(year, month, 30, leap_flag).to_solar_date()
                lengths.append(30)
            except ValueError:
                lengths.append(29)
    return starts[0], leap, lengths


def lunar_python_year(year):
    from lunar_python import LunarYear, Solar

    months = LunarYear.fromYear(year).getMonthsInYear()
    first = Solar.fromJulianDay(months[0].getFirstJulianDay())
    new_year = datetime.date(first.getYear(), first.getMonth(), first.getDay())
    leap = LunarYear.fromYear(year).getLeapMonth()
    return new_year, leap, [m.getDayCount() for m in months]


def main():
    years = range(1901, 2100)
    if "--compare" in sys.argv[1:]:
        differing = [y for y in years if lunardate_year(y) != lunar_python_year(y)]
        for y in differing:
            print(f"{y}: lunardate {lunardate_year(y)} lunar-python {lunar_python_year(y)}")
        print(f"{len(differing)} of {len(years)} years differ")
        return
    lines = ["year,new_year,leap_month,months"]
    for year in years:
        new_year, leap, lengths = lunardate_year(year)
        assert new_year.year == year and len(lengths) == (13 if leap else 12)
        lines.append(f"{year},{new_year.isoformat()},{leap},{' '.join(map(str, lengths))}")
    out = pathlib.Path(__file__).with_name("chinese-calendar-1901-2099.csv")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
