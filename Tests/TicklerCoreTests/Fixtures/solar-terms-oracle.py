"""Prints when the 24 solar terms begin in every year 1900–2100 by two independent Python packages, for
SolarTermsTests to compare with Tickler's own computation.

One line a term and year, tab-separated:
    YEAR  INDEX  SXTWL_DAY  SXTWL_INSTANT  CNLUNAR_DAY
INDEX is Tickler's SolarTerm raw value (0 = xiaohan … 23 = dongzhi); the days are China Standard Time
(UTC+8) dates, YYYY-MM-DD; SXTWL_INSTANT is sxtwl's instant in seconds since 1970-01-01 UTC; CNLUNAR_DAY is
"-" for the years cnlunar has no table for (it covers 1901–2100, from the Hong Kong Observatory).

sxtwl (寿星天文历) computes the terms from its own astronomical theory and ΔT, and returns each as a Julian
Day of Beijing time; its jqIndex counts from dongzhi (0 = 冬至, 1 = 小寒, …). cnlunar reads the Hong Kong
Observatory's published table of term days.
"""

import sys

import cnlunar.solar24
import sxtwl

FIRST, LAST = 1900, 2100
UNIX_EPOCH_JULIAN_DAY = 2440587.5

sxtwl_terms = {}
# getJieQiByYear(y) runs from lichun of y to lichun of y + 1; start a year early for January's two terms.
for lunar_year in range(FIRST - 1, LAST + 1):
    for info in sxtwl.getJieQiByYear(lunar_year):
        local = sxtwl.JD2DD(info.jd)
        year, month, day = int(local.Y), int(local.M), int(local.D)
        if FIRST <= year <= LAST:
            index = (info.jqIndex - 1) % 24
            seconds = (info.jd - 8 / 24 - UNIX_EPOCH_JULIAN_DAY) * 86400
            sxtwl_terms[(year, index)] = ("%04d-%02d-%02d" % (year, month, day), seconds)

lines = []
for year in range(FIRST, LAST + 1):
    cnlunar_days = None
    if year >= cnlunar.solar24.START_YEAR:
        cnlunar_days = cnlunar.solar24.getTheYearAllSolarTermsList(year)
    for index in range(24):
        sxtwl_day, seconds = sxtwl_terms[(year, index)]
        cnlunar_day = "-"
        if cnlunar_days is not None:
            cnlunar_day = "%04d-%02d-%02d" % (year, index // 2 + 1, cnlunar_days[index])
        lines.append("%d\t%d\t%s\t%.1f\t%s" % (year, index, sxtwl_day, seconds, cnlunar_day))
sys.stdout.write("\n".join(lines) + "\n")
