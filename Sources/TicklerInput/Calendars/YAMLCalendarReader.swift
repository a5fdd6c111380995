import TicklerCore

/// Reads a YAML calendar file: holidays (one day, or `date` to `until` inclusive, each with a name)
/// and make-up working days (调休):
///
/// ```yaml
/// holidays:
///   - { date: 2026-10-01, until: 2026-10-08, name: 国庆节 }
///   - { date: 2026-06-19, name: 端午节 }
/// workdays: [2026-09-20, 2026-10-10]
/// ```
///
/// Every problem is reported with its place; the calendar is built from what could be read.
public enum YAMLCalendarReader {
    static let topLevel = ["holidays", "workdays"]
    static let holidayKeys = ["date", "until", "name"]

    public static func parse(_ source: SourceText, name: String) -> (
        calendar: HolidayCalendar, diagnostics: Diagnostics
    ) {
        var diagnostics = Diagnostics()
        let empty = HolidayCalendar(name: name, path: source.path, holidays: [], workdays: [])
        let root: YAMLNode
        switch YAMLDocument.parse(source) {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return (empty, diagnostics)
        case .success(nil):
            diagnostics.error(
                "the calendar file is empty", at: .file(source.path),
                notes: [.init("list 'holidays:' (and 'workdays:', the make-up working days); see etc/holidays/cn.yaml")]
            )
            return (empty, diagnostics)
        case .success(let node?):
            root = node
        }
        guard
            let map = MappingReader(
                root, context: "the calendar", allowed: topLevel, diagnostics: &diagnostics)
        else { return (empty, diagnostics) }
        var holidays: [(holiday: HolidayCalendar.Holiday, node: YAMLNode)] = []
        if let node = map.value("holidays", diagnostics: &diagnostics) {
            if let items = node.items {
                for item in items {
                    if let holiday = parseHoliday(item, diagnostics: &diagnostics) { holidays.append((holiday, item)) }
                }
            } else if !node.isNull {
                diagnostics.error(
                    "'holidays' must be a list, not \(node.kindDescription)", at: node.location,
                    notes: [.init("write each holiday as '- { date: 2026-10-01, until: 2026-10-08, name: 国庆节 }'")])
            }
        }
        var workdays: [(day: CivilDate, node: YAMLNode)] = []
        for (text, node) in map.stringList("workdays", diagnostics: &diagnostics) ?? [] {
            guard let day = date(text, at: node, key: "workdays", diagnostics: &diagnostics) else { continue }
            if let first = workdays.first(where: { $0.day == day }) {
                diagnostics.error(
                    "make-up working day \(day) is listed twice", at: node.location(atScalarOffset: 0),
                    notes: [.init("first listed here", at: first.node.location(atScalarOffset: 0))])
                continue
            }
            workdays.append((day, node))
        }
        checkOverlaps(holidays, workdays: workdays, diagnostics: &diagnostics)
        let calendar = HolidayCalendar(
            name: name, path: source.path, holidays: holidays.map(\.holiday), workdays: workdays.map(\.day))
        return (calendar, diagnostics)
    }

    private static func parseHoliday(_ node: YAMLNode, diagnostics: inout Diagnostics) -> HolidayCalendar.Holiday? {
        guard
            let map = MappingReader(node, context: "a holiday", allowed: holidayKeys, diagnostics: &diagnostics)
        else { return nil }
        let first = map.required(
            "date", diagnostics: &diagnostics, note: "the holiday's (first) day, e.g. 'date: 2026-10-01'"
        ).flatMap { date($0.text, at: $0.node, key: "date", diagnostics: &diagnostics) }
        let name = map.required(
            "name", diagnostics: &diagnostics, note: "templates show it as 'holiday.name', e.g. 'name: 国庆节'")
        var last = first
        if let (text, node) = map.string("until", diagnostics: &diagnostics) {
            last = date(text, at: node, key: "until", diagnostics: &diagnostics)
            if let first, let until = last, until < first {
                diagnostics.error(
                    "'until' \(until) is before 'date' \(first)", at: node.location(atScalarOffset: 0),
                    notes: [.init("'until' is the holiday's last day, included")])
                return nil
            }
        }
        guard let first, let last, let name, !name.text.isEmpty else { return nil }
        return HolidayCalendar.Holiday(name: name.text, first: first, last: last)
    }

    private static func date(_ text: String, at node: YAMLNode, key: String, diagnostics: inout Diagnostics)
        -> CivilDate?
    {
        if let day = CivilDate.parse(text) { return day }
        diagnostics.error(
            "invalid date '\(text)' for '\(key)' in the calendar", at: node.location(atScalarOffset: 0),
            notes: [.init("write a date as YYYY-MM-DD, e.g. '2026-10-01'")])
        return nil
    }

    /// Two holidays on one day, or a day both a holiday and a make-up working day, are mistakes in
    /// the data: reported where the second one is written.
    private static func checkOverlaps(
        _ holidays: [(holiday: HolidayCalendar.Holiday, node: YAMLNode)], workdays: [(day: CivilDate, node: YAMLNode)],
        diagnostics: inout Diagnostics
    ) {
        let ordered = holidays.sorted { $0.holiday.first < $1.holiday.first }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.holiday.first <= previous.holiday.last {
            diagnostics.error(
                "holiday '\(next.holiday.name)' overlaps '\(previous.holiday.name)' on \(next.holiday.first)",
                at: next.node.location,
                notes: [
                    .init(
                        "each day belongs to one holiday; '\(previous.holiday.name)' is here",
                        at: previous.node.location)
                ])
        }
        for (day, node) in workdays {
            guard let holiday = holidays.first(where: { $0.holiday.first <= day && day <= $0.holiday.last }) else {
                continue
            }
            diagnostics.error(
                "\(day) is both a make-up working day and part of holiday '\(holiday.holiday.name)'",
                at: node.location(atScalarOffset: 0),
                notes: [.init("the holiday is written here", at: holiday.node.location)])
        }
    }
}
