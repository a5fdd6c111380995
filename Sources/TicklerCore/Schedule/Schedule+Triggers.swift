extension Schedule {
    /// `date:` — yearly on the contact's date (or the rule's fixed date), minus each lead time, on
    /// the contact's calendar.
    func dateOccurrences(
        _ rule: Rule, _ trigger: DateTrigger, _ plan: DatePlan, _ audience: Audience, _ range: Range<Int64>,
        into found: inout [ScheduledOccurrences.Entry]
    ) {
        for year in plan.years {
            let anniversary =
                trigger.field.isFixed
                ? plan.fixedDays[year - plan.years.lowerBound]
                : anniversary(of: contacts[audience.contact], trigger, inYear: year)
            guard let anniversary else { continue }
            let anniversaryDay = anniversary.daysSinceEpoch
            for leadDays in plan.leadDays {
                let day = anniversaryDay - leadDays
                let (due, offset) = due(rule, day: day, defaultAt: Self.nineAM, audience: audience)
                guard range.contains(due) else { continue }
                found.append(entry(audience, due: due, offset: offset, day: day, number: leadDays))
            }
        }
    }

    /// Whether the contact's date can fall in the plan's range at all: a quick test on its month and
    /// day, which rules out most contacts of a range of a few days before any date arithmetic.
    func mayFall(_ index: Int, _ trigger: DateTrigger, _ plan: DatePlan) -> Bool {
        let date: PartialDate?
        switch trigger.field {
        case .gregorian, .lunar, .term: return plan.fixedMayFall
        case .lunarBirthday: return true
        case .birthday: date = contacts[index].birthday
        case .custom(let name): date = contacts[index].dates[name]
        }
        guard let days = plan.days else { return true }
        guard let date else { return false }
        return days[DatePlan.slot(month: date.month, day: date.day)]
    }

    /// The day a contact's date falls on in a Gregorian year (for lunar dates: in the Chinese year
    /// that begins in it).
    func anniversary(of contact: Contact, _ trigger: DateTrigger, inYear year: Int) -> CivilDate? {
        switch trigger.field {
        case .lunarBirthday:
            guard let lunar = contact.lunarBirthday else { return nil }
            return chineseCalendar.gregorianDate(of: lunar, inChineseYearStartingIn: year)
        case .birthday:
            return contact.birthday.flatMap { Self.anniversary(of: $0, feb29: trigger.feb29, inYear: year) }
        case .custom(let name):
            return contact.dates[name].flatMap { Self.anniversary(of: $0, feb29: trigger.feb29, inYear: year) }
        case .gregorian, .lunar, .term:
            return fixedAnniversary(trigger, inYear: year)
        }
    }

    /// The day a rule's fixed date falls on in a Gregorian year (for lunar dates: in the Chinese year
    /// that begins in it); `nil` for a date of the contact's, or outside the calendars' years.
    func fixedAnniversary(_ trigger: DateTrigger, inYear year: Int) -> CivilDate? {
        switch trigger.field {
        case .gregorian(let date): Self.anniversary(of: date, feb29: trigger.feb29, inYear: year)
        case .lunar(let date): chineseCalendar.gregorianDate(of: date, inChineseYearStartingIn: year)
        case .term(let term): SolarTerms.day(of: term, inYear: year)
        case .birthday, .lunarBirthday, .custom: nil
        }
    }

    /// A Gregorian month and day in `year`, Feb 29 moved by `feb29` in common years; `nil` before
    /// the date's own year.
    static func anniversary(of date: PartialDate, feb29: DateTrigger.Feb29Policy, inYear year: Int) -> CivilDate? {
        if let origin = date.year, year <= origin { return nil }
        var (month, day) = (date.month, date.day)
        if month == 2, day == 29, !CivilDate.isLeapYear(year) {
            switch feb29 {
            case .feb28: day = 28
            case .mar1: (month, day) = (3, 1)
            case .skip: return nil
            }
        }
        return CivilDate(year: year, month: month, day: day)
    }

    /// The years since the contact's original date, when its year is known, at its anniversary in
    /// `year` (none for lunar and fixed dates).
    func years(of contact: Contact, _ trigger: DateTrigger, inYear year: Int) -> Int? {
        switch trigger.field {
        case .lunarBirthday, .gregorian, .lunar, .term: return nil
        case .birthday: return contact.birthday?.year.map { year - $0 }
        case .custom(let name): return contact.dates[name]?.year.map { year - $0 }
        }
    }

    /// `after:` — one series per recorded event of the type: `d0 = window(base)`,
    /// `dN = window(d(N-1) + repeat)` while `d(N-1) + repeat <= base + max_overdue`, each cancelled
    /// when an `unless` event recorded after the trigger precedes it.
    func afterOccurrences(
        _ rule: Rule, _ trigger: AfterTrigger, _ audience: Audience, _ range: Range<Int64>, _ events: EventIndex,
        into found: inout [ScheduledOccurrences.Entry]
    ) {
        let index = audience.contact
        let history = events.slice(of: contacts[index].id)
        guard !history.isEmpty else { return }
        for position in history.indices where history[position].type == trigger.eventType {
            let event = history[position]
            let cancelledAfter = trigger.unless.flatMap { unless in
                history.first { $0.type == unless && $0.at > event.at }?.at
            }
            let base = afterBase(rule, trigger, event: event, contactZone: contactZone(index), audience: audience)
            guard base <= range.upperBound + Self.slack else { continue }
            let limit = base + trigger.maxOverdue.seconds
            var due = deferred(rule, base, audience)
            var n = 0
            while due < range.upperBound {
                if let cancelledAfter, due > cancelledAfter { break }
                if due >= range.lowerBound {
                    let day = contactZone(index).localDay(at: due)
                    found.append(entry(audience, due: due, day: day, number: n, base: base, event: position))
                }
                guard let every = trigger.repeatEvery, due + every.seconds <= limit else { break }
                due = deferred(rule, due + every.seconds, audience)
                n += 1
            }
        }
    }

    /// Without `at`, exactly `delay` after the event; with `at`, at that time (recipient's zone) on
    /// the contact's day that `event + delay` falls on. A delay in working days (`3wd`) counts them
    /// from the event's day in the recipient's zone and calendar, at the event's time of day there
    /// (or `at`).
    func afterBase(_ rule: Rule, _ trigger: AfterTrigger, event: Event, contactZone: ZoneRules, audience: Audience)
        -> Int64
    {
        let zone = audience.zone
        if trigger.delay.unit == .workdays {
            let local = event.at + Int64(zone.offset(at: event.at))
            let day = HolidayCalendar.workday(
                Int(trigger.delay.value), after: Int(local.floorDiv(86_400)), in: audience.calendar)
            let minute = rule.at.map { Int64($0.minutes) * 60 } ?? local - local.floorDiv(86_400) * 86_400
            return zone.instantAndOffset(localSeconds: Int64(day) * 86_400 + minute).instant
        }
        let instant = event.at + trigger.delay.seconds
        guard let at = rule.at else { return instant }
        return zone.instant(on: contactZone.localDate(at: instant), at: at)
    }

    /// `every:` — occurrence k on the contact's day of `start + k × period`, where the clock starts
    /// at the latest interaction, else when the contact was first seen plus its spread offset.
    func everyOccurrences(
        _ rule: Rule, _ trigger: EveryTrigger, _ audience: Audience, _ range: Range<Int64>, _ history: History,
        now: Int64, firstSeenHint: inout Int, into found: inout [ScheduledOccurrences.Entry]
    ) {
        let index = audience.contact
        let contactID = contacts[index].id
        let start = everyStart(trigger, contactID: contactID, history: history, now: now, firstSeenHint: &firstSeenHint)
        let period = trigger.period.seconds
        let zone = contactZone(index)
        var k = max(1, Int((range.lowerBound - slack(of: rule) - start).floorDiv(period)))
        while true {
            let day = zone.localDay(at: start + Int64(k) * period)
            let (due, offset) = due(rule, day: day, defaultAt: Self.nineAM, audience: audience)
            if due >= range.upperBound, day > Int(range.upperBound.floorDiv(86_400)) + 1 { break }
            if range.contains(due) {
                found.append(entry(audience, due: due, offset: offset, day: day, number: k, base: start))
            }
            k += 1
        }
    }

    /// `firstSeenHint`: where to look for the contact's first-seen time (``FirstSeenTimes/time(of:hint:)``).
    func everyStart(
        _ trigger: EveryTrigger, contactID: String, history: History, now: Int64, firstSeenHint: inout Int
    ) -> Int64 {
        if let latest = history.events.latest(of: contactID, types: trigger.since) { return latest.at }
        let seen =
            history.firstSeen.isEmpty ? now : history.firstSeen.time(of: contactID, hint: &firstSeenHint) ?? now
        let spread = trigger.spread.seconds
        guard spread > 0 else { return seen }
        return seen + Int64(StableHash.of(contactID) % UInt64(spread))
    }
}

/// FNV-1a over the UTF-8 bytes: the same on every run and machine (Swift's `Hasher` is seeded
/// per process), so a contact's spread offset never moves.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

/// What a `date` rule needs for a range, worked out once rather than per contact: the Gregorian
/// years to try, the leads in days, which month-days can fall in the range at all, and for a fixed
/// date (a festival) the day it falls on in each of those years.
struct DatePlan: Sendable {
    let years: ClosedRange<Int>
    let leadDays: [Int]
    /// By `slot(month:day:)`: whether a date on that month and day can fall due in the range; `nil`
    /// when the range is long enough for every date to.
    let days: [Bool]?
    /// For a fixed date, by year from `years.lowerBound`: the day it falls on that year (empty for a
    /// date of the contact's).
    let fixedDays: [CivilDate?]
    /// For a fixed date: whether one of its days, less a lead, can fall due in the range at all.
    let fixedMayFall: Bool

    /// - Parameter fixedDay: the day the rule's fixed date falls on in a year (not called for a
    ///   date of the contact's).
    init(_ trigger: DateTrigger, range: Range<Int64>, slack: Int64, fixedDay: (Int) -> CivilDate?) {
        leadDays = trigger.leads.map { Int($0.calendarDays ?? 0) }
        let maxLead = leadDays.max() ?? 0
        // A Chinese year runs into the next Gregorian year (its 12th month is in January or February),
        // so a lunar date in early January belongs to the Chinese year that began the year before.
        let lunarCarry = trigger.field.isLunar ? 1 : 0
        let first = Int((range.lowerBound - slack).floorDiv(86_400))
        let last = Int((range.upperBound + slack).floorDiv(86_400))
        let years =
            (CivilDate(daysSinceEpoch: first).year - lunarCarry)...CivilDate(daysSinceEpoch: last + maxLead).year
        self.years = years
        if trigger.field.isFixed {
            let fixedDays = years.map(fixedDay)
            self.fixedDays = fixedDays
            let leads = leadDays
            fixedMayFall = fixedDays.contains { date in
                guard let date else { return false }
                return leads.contains { (first - 1...last + 1).contains(date.daysSinceEpoch - $0) }
            }
        } else {
            fixedDays = []
            fixedMayFall = false
        }
        // An occurrence's day lies within a day of its due instant (zones are less than a day
        // away), and its due instant within `slack` of the range (window deferral): the date is
        // that day plus a lead.
        guard last - first + 2 < 366 else {
            days = nil
            return
        }
        var days = [Bool](repeating: false, count: 13 * 32)
        for day in (first - 1)...(last + 1) {
            for lead in leadDays {
                let date = CivilDate(daysSinceEpoch: day + lead)
                days[Self.slot(month: date.month, day: date.day)] = true
            }
        }
        // Feb 29 falls on Feb 28 or Mar 1 in common years.
        if days[Self.slot(month: 2, day: 28)] || days[Self.slot(month: 3, day: 1)] {
            days[Self.slot(month: 2, day: 29)] = true
        }
        self.days = days
    }

    static func slot(month: Int, day: Int) -> Int { month * 32 + day }
}
