import TicklerCore
import TicklerStore

/// The status page of the HTTP service (`GET /`): one HTML5 document, in the configuration's language,
/// with the next reminders, the outbox by state and channel, retries, failures, missed reminders, the
/// latest deliveries and a chart of the reminders due per day over the next 30 days, stacked by rule.
///
/// A pure function of a ``Model``: no I/O, no clock. The page needs no JavaScript (the chart is inline
/// SVG), its CSS is inline, and it reads on a phone (a narrow column; wide tables scroll sideways).
/// Every text that comes from data — names, keys, errors, rule names — is escaped.
public struct StatusPage: Sendable {
    /// One reminder of the "next reminders" table.
    public struct Row: Sendable, Hashable {
        /// The due instant, seconds since the epoch.
        public var due: Int64
        public var rule: String
        /// The contact's id.
        public var contact: String
        /// The contact's name, when the contact has one.
        public var contactName: String?
        /// The id of the person it goes to: the contact's, the owner's or the manager's.
        public var recipient: String
        public var channel: String

        public init(due: Int64, rule: String, contact: String, contactName: String?, recipient: String, channel: String)
        {
            self.due = due
            self.rule = rule
            self.contact = contact
            self.contactName = contactName
            self.recipient = recipient
            self.channel = channel
        }

        /// The row of a planned occurrence, with its contact's name.
        public init(_ occurrence: Occurrence, contactName: String?) {
            self.init(
                due: occurrence.due, rule: occurrence.rule, contact: occurrence.contact, contactName: contactName,
                recipient: occurrence.recipient, channel: occurrence.channel)
        }
    }

    /// The reminders due on one local day, by rule: one bar of the chart.
    public struct ChartDay: Sendable, Hashable {
        /// The day in the configuration's zone, `2026-12-07`.
        public var date: String
        /// How many reminders of each rule fall due that day; rules without any may be absent.
        public var counts: [String: Int]

        public init(date: String, counts: [String: Int]) {
            self.date = date
            self.counts = counts
        }

        /// The reminders of every rule that day.
        public var total: Int { counts.values.reduce(0) { $0 + max(0, $1) } }
    }

    /// Everything the page shows.
    public struct Model: Sendable {
        /// The configuration's `language:`. `zh` (and `zh-…`) gives the Chinese page; any other, English.
        public var language: String
        /// When the page is made, seconds since the epoch.
        public var now: Int64
        /// The configuration's zone: every time on the page is shown in it.
        public var zone: ZoneRules
        /// The next reminders, soonest first; the page shows the first ``StatusPage/nextLimit``.
        public var next: [Row]
        /// The outbox (``SQLiteStore/status(now:limit:)``).
        public var status: OutboxStatus
        /// The bars of the chart, one per day (``StatusPage/chart(_:zone:now:days:)``).
        public var chart: [ChartDay]
        /// The configuration's rules in order: the order of the chart's stacks and legend, and of its colours.
        public var rules: [String]

        public init(
            language: String, now: Int64, zone: ZoneRules, next: [Row], status: OutboxStatus, chart: [ChartDay],
            rules: [String]
        ) {
            self.language = language
            self.now = now
            self.zone = zone
            self.next = next
            self.status = status
            self.chart = chart
            self.rules = rules
        }
    }

    /// How many of ``Model/next`` the page lists.
    public static let nextLimit = 20

    /// The page: a complete HTML5 document.
    public static func html(_ model: Model) -> String {
        let words = Words.for(language: model.language)
        let time = timeWriter(model.zone)
        var body = "<header>\n<h1>\(escape(words.title))</h1>\n"
        body += "<p class=\"meta\">\(escape(summary(model, words: words, time: time)))</p>\n</header>\n<main>\n"
        body += nextSection(model, words: words, time: time)
        body += outboxSection(model.status, words: words)
        body += retriesSection(model.status, words: words, time: time)
        body += failuresSection(model.status, words: words, time: time)
        body += missedSection(model.status, words: words, time: time)
        body += deliveriesSection(model.status, words: words, time: time)
        body += chartSection(model, words: words)
        body += "</main>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(words.lang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="robots" content="noindex">
            <title>\(escape(words.title))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// The line under the title: when, in which zone, how many entries are due, how far the daemon planned.
    static func summary(_ model: Model, words: Words, time: (Int64) -> String) -> String {
        let through = model.status.scheduledThrough.map(time) ?? words.never
        return words.summary(time(model.now), model.zone.identifier, model.status.dueNow, through)
    }

    /// `2026-12-07 09:00`: an instant as the wall-clock time in `zone`, to the minute.
    static func timeWriter(_ zone: ZoneRules) -> (Int64) -> String {
        { instant in
            let text = Timestamp.format(instant, offset: zone.offset(at: instant))
            return String(text.prefix(16).map { $0 == "T" ? " " : $0 })
        }
    }

    // MARK: - Sections

    static func nextSection(_ model: Model, words: Words, time: (Int64) -> String) -> String {
        let shown = model.next.prefix(nextLimit)
        var body = table(
            [
                Column(words.due), Column(words.rule), Column(words.contact), Column(words.recipient),
                Column(words.channel),
            ],
            shown.map { row in
                let contact = row.contactName.map { "\($0) (\(row.contact))" } ?? row.contact
                return [time(row.due), row.rule, contact, row.recipient, row.channel]
            },
            empty: words.none)
        if model.next.count > shown.count {
            body += "<p class=\"more\">\(escape(words.more(shown.count, model.next.count)))</p>\n"
        }
        return section("next", words.next, body)
    }

    /// States down, channels across, with totals; only the states and channels that have entries.
    static func outboxSection(_ status: OutboxStatus, words: Words) -> String {
        let channels = Set(status.counts.filter { $0.count > 0 }.map(\.channel)).sorted()
        let states = OutboxState.allCases.filter { status.count($0) > 0 }
        var counts: [OutboxState: [String: Int]] = [:]
        for count in status.counts { counts[count.state, default: [:]][count.channel, default: 0] += count.count }
        let columns =
            [Column(words.state, kind: .header)] + channels.map { Column($0, kind: .number) }
            + [Column(words.total, kind: .number)]
        var rows = states.map { state in
            [words.stateName(state.rawValue)] + channels.map { String(counts[state]?[$0] ?? 0) }
                + [String(status.count(state))]
        }
        if !rows.isEmpty {
            let byChannel = channels.map { channel in
                status.counts.lazy.filter { $0.channel == channel }.reduce(0) { $0 + $1.count }
            }
            rows.append([words.total] + byChannel.map(String.init) + [String(byChannel.reduce(0, +))])
        }
        return section("outbox", words.outbox, table(columns, rows, empty: words.none))
    }

    static func retriesSection(_ status: OutboxStatus, words: Words, time: (Int64) -> String) -> String {
        let body = table(
            [
                Column(words.key), Column(words.channel), Column(words.attempts, kind: .number),
                Column(words.nextAttempt), Column(words.lastError, kind: .text),
            ],
            status.retries.map {
                [$0.key, $0.channel, String($0.attempts), time($0.nextAttemptAt), $0.lastError ?? ""]
            },
            empty: words.none)
        return section("retries", words.retries, body)
    }

    static func failuresSection(_ status: OutboxStatus, words: Words, time: (Int64) -> String) -> String {
        let body = table(
            [
                Column(words.key), Column(words.channel), Column(words.attempts, kind: .number), Column(words.at),
                Column(words.error, kind: .text),
            ],
            status.failures.map { [$0.key, $0.channel, String($0.attempts), time($0.at), $0.error] },
            empty: words.none)
        return section("failures", words.failures, body)
    }

    static func missedSection(_ status: OutboxStatus, words: Words, time: (Int64) -> String) -> String {
        let body = table(
            [Column(words.key), Column(words.channel), Column(words.due), Column(words.reason, kind: .text)],
            status.missed.map { [$0.key, $0.channel, time($0.due), $0.reason] },
            empty: words.none)
        return section("missed", words.missed, body)
    }

    static func deliveriesSection(_ status: OutboxStatus, words: Words, time: (Int64) -> String) -> String {
        let body = table(
            [
                Column(words.at), Column(words.key), Column(words.recipient), Column(words.channel),
                Column(words.attempt, kind: .number), Column(words.outcome), Column(words.detail, kind: .text),
            ],
            status.lastAttempts.map {
                [
                    time($0.at), $0.key, $0.recipient ?? "", $0.channel, $0.attempt.map(String.init) ?? "–",
                    words.stateName($0.outcome.rawValue), $0.detail ?? "",
                ]
            },
            empty: words.none)
        return section("deliveries", words.deliveries, body)
    }

    static func chartSection(_ model: Model, words: Words) -> String {
        let heading = words.chart(model.chart.isEmpty ? 30 : model.chart.count)
        guard model.chart.contains(where: { $0.total > 0 }) else {
            return section("chart", heading, "<p class=\"empty\">\(escape(words.none))</p>\n")
        }
        let rules = chartRules(model.chart, rules: model.rules)
        let total = model.chart.reduce(0) { $0 + $1.total }
        let svg = chartSVG(model.chart, rules: rules, title: heading + words.separator + words.chartTotal(total))
        return section("chart", heading, svg + legend(model.chart, rules))
    }
}
