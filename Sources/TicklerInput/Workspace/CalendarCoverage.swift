import TicklerCore

/// The check that holiday data lasts: a rule that counts working days (a `workdays` window, a `3wd`
/// delay) needs its recipients' calendars to cover the days ahead, and holiday schedules are
/// announced a year at a time (China's each November). Needs today's date, so `tickler check` and
/// the daemon's start run it beside the workspace checks.
public enum CalendarCoverage {
    /// How far ahead a calendar must reach.
    public static let horizonDays = 90

    /// A warning for each calendar a working-day rule reads that ends before `today + 90` days, and
    /// for such a rule whose recipients have no calendar at all (Monday–Friday then).
    public static func check(_ config: Config, today: CivilDate, diagnostics: inout Diagnostics) {
        let ownerCalendars = config.owners.keys.sorted().map { config.calendar(ofOwner: $0) }
        let horizon = today.adding(days: horizonDays)
        var warned = Set<String>()
        for rule in config.rules where rule.readsWorkdays {
            // A rule to contacts reads their owners' calendars, and the configuration's for contacts
            // without an owner; a rule to owners or managers reads the owners'.
            var calendars = ownerCalendars
            if rule.recipient == .contact { calendars.append(config.calendar(ofOwner: nil)) }
            if calendars.allSatisfy({ $0 == nil }) {
                diagnostics.warning(
                    "rule '\(rule.name)' counts working days, but no calendar is chosen for its recipients",
                    at: rule.location,
                    notes: [
                        .init("without a calendar every Monday to Friday is a working day, holidays included"),
                        .init("add 'calendars: { cn: holidays/cn.yaml }' and 'calendar: cn' (top level or per owner)"),
                    ])
                continue
            }
            for calendar in calendars.compactMap({ $0 }) where !warned.contains(calendar.name) {
                guard let end = calendar.coverageEnd, end < horizon else { continue }
                warned.insert(calendar.name)
                diagnostics.warning(
                    "calendar '\(calendar.name)' ends on \(end), before the next \(horizonDays) days do; rule "
                        + "'\(rule.name)' counts working days on it",
                    at: rule.location,
                    notes: [
                        .init("after \(end) only Saturdays and Sundays are days off in '\(calendar.path)'"),
                        .init("add the next year's holidays and make-up working days as soon as they are announced"),
                    ])
            }
        }
    }
}
