extension Window {
    /// `instant` itself when it lies inside the window, otherwise the first instant after it at which one of
    /// the window's spans opens, in `zone` (the recipient's).
    ///
    /// Each span on each day is the half-open interval of instants from its start to its end, both read as
    /// the SPEC reads local times (a time in a spring-forward gap with the offset before the gap, a repeated
    /// time as its first instant). So `18:00` is outside `09:00-18:00`, a span crossing midnight runs into
    /// the next day, a span whose start falls in a gap opens when the clocks have moved on (`02:30` opens at
    /// 03:30 in New York on the spring-forward day), and the result is always inside the window: deferring
    /// it again does not move it. A span that falls wholly in a gap that day (`02:00-03:00`) does not open
    /// then. A window whose spans name no day never opens; `instant` is returned.
    ///
    /// Spans on `workdays` or `holidays` open on the days `calendar` (the recipient's) says; without a
    /// calendar Monday to Friday are the working days and there are no holidays.
    public func nextOpening(atOrAfter instant: Int64, in zone: ZoneRules, calendar: HolidayCalendar? = nil) -> Int64 {
        let today = zone.localDay(at: instant)
        var earliest: Int64?
        // Yesterday's spans may cross midnight into today. Every span of a later day opens after every span
        // of an earlier one, so the first later day with a span settles it; each weekday has one within 7,
        // a working day or a holiday one within `maximumDeferral`.
        let lastOffset = Int(maximumDeferral / 86_400)
        for offset in -1...lastOffset {
            if offset > 0, earliest != nil { break }
            let day = today + offset
            let weekday = CivilDate.weekday(ofDay: day)
            let midnight = Int64(day) * 86_400
            // Yesterday's spans matter only when they run into today.
            for span in spans
            where (offset >= 0 || span.crossesMidnight)
                && span.starts(onDay: day, weekday: weekday, calendar: calendar)
            {
                let opening = zone.instant(localSeconds: midnight + Int64(span.start.minutes) * 60)
                let closing = zone.instant(
                    localSeconds: midnight + (span.crossesMidnight ? 86_400 : 0) + Int64(span.end.minutes) * 60)
                // A span lost in a spring-forward gap (02:00-03:00 that day) is empty: it does not open.
                guard opening < closing else { continue }
                if opening <= instant, instant < closing { return instant }
                if opening >= instant, opening < earliest ?? .max { earliest = opening }
            }
        }
        return earliest ?? instant
    }
}
