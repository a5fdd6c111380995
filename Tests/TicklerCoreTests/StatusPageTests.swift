import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerReports

@Suite struct StatusPageTests {
    static let sectionIDs = ["next", "outbox", "retries", "failures", "missed", "deliveries", "chart"]

    static func zone(_ name: String) throws -> ZoneRules { try #require(systemZones.rules(named: name)) }

    static func instant(_ text: String) throws -> Int64 { try #require(Timestamp.parse(text)) }

    static let emptyStatus = OutboxStatus(
        counts: [], dueNow: 0, retries: [], failures: [], missed: [], lastAttempts: [], scheduledThrough: nil)

    static func model(
        language: String = "zh", next: [StatusPage.Row] = [], status: OutboxStatus = emptyStatus,
        chart: [StatusPage.ChartDay] = [], rules: [String] = []
    ) throws -> StatusPage.Model {
        StatusPage.Model(
            language: language, now: try instant("2026-12-07T10:00:00+08:00"), zone: try zone("Asia/Shanghai"),
            next: next, status: status, chart: chart, rules: rules)
    }

    /// The markup of the section with `id`, up to its end.
    static func section(_ id: String, in html: String) throws -> String {
        let start = try #require(html.range(of: "<section id=\"\(id)\">"), "no section '\(id)'")
        let end = try #require(html[start.upperBound...].range(of: "</section>"))
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func occurrence(_ rule: String, due: String) throws -> Occurrence {
        let due = try instant(due)
        let day = CivilDate(year: 2026, month: 12, day: 7)
        return Occurrence(
            key: "\(rule)/acme/\(due)", rule: rule, contact: "acme", to: .contact, recipient: "acme", channel: "mail",
            due: due, offset: 0, day: day, detail: .date(anniversary: day, leadDays: 0, years: nil))
    }

    // MARK: - The document

    @Test func theDocumentIsHTML5WithCharsetViewportAndInlineStyleOnly() throws {
        let html = StatusPage.html(try Self.model())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh\">\n"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("<style>"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
    }

    @Test(arguments: ["zh", "en"])
    func everySectionHasItsIDAndAHeading(language: String) throws {
        let html = StatusPage.html(try Self.model(language: language))
        for id in Self.sectionIDs {
            let section = try Self.section(id, in: html)
            #expect(section.contains("<h2>"), "section '\(id)' has no heading")
        }
    }

    @Test(arguments: [
        ("zh", "zh", "下一批提醒"), ("zh-CN", "zh", "下一批提醒"), ("en", "en", "Next reminders"),
        ("en-GB", "en", "Next reminders"), ("fr", "en", "Next reminders"),
    ])
    func theConfigurationsLanguageChoosesThePagesLanguage(language: String, lang: String, heading: String) throws {
        let html = StatusPage.html(try Self.model(language: language))
        #expect(html.contains("<html lang=\"\(lang)\">"))
        #expect(try Self.section("next", in: html).contains("<h2>\(heading)</h2>"))
    }

    @Test func chineseAndEnglishHeadings() throws {
        let zh = StatusPage.html(try Self.model(language: "zh"))
        let en = StatusPage.html(try Self.model(language: "en"))
        let expected = [
            ("next", "下一批提醒", "Next reminders"), ("outbox", "发件箱", "Outbox"), ("retries", "等待重试", "Retrying"),
            ("failures", "失败", "Failures"),
            ("missed", "错过", "Missed"), ("deliveries", "最近投递", "Last deliveries"),
            ("chart", "未来 30 天每日提醒", "Reminders due per day, next 30 days"),
        ]
        for (id, chinese, english) in expected {
            #expect(try Self.section(id, in: zh).contains("<h2>\(chinese)</h2>"))
            #expect(try Self.section(id, in: en).contains("<h2>\(english)</h2>"))
        }
    }

    @Test(arguments: [("zh", "暂无"), ("en", "None")])
    func emptySectionsSaySo(language: String, none: String) throws {
        let html = StatusPage.html(try Self.model(language: language))
        for id in Self.sectionIDs {
            let section = try Self.section(id, in: html)
            #expect(section.contains("<p class=\"empty\">\(none)</p>"), "section '\(id)' is not marked empty")
            #expect(!section.contains("<table"))
        }
        #expect(!html.contains("<svg"))
    }

    // MARK: - Escaping

    @Test(arguments: [
        ("a & b", "a &amp; b"), ("<b>", "&lt;b&gt;"), ("say \"hi\"", "say &quot;hi&quot;"), ("it's", "it&#39;s"),
        ("张三", "张三"), ("line\nbreak", "line\nbreak"), ("nul\u{0}bell\u{7}", "nul\u{FFFD}bell\u{FFFD}"),
        ("&amp;", "&amp;amp;"),
    ])
    func escapeReplacesTheFiveCharactersAndControls(raw: String, escaped: String) {
        #expect(StatusPage.escape(raw) == escaped)
    }

    @Test func textFromDataIsEscapedEverywhere() throws {
        let hostile = "<script>alert(\"x\")</script> & 张三"
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 张三"
        let at = try Self.instant("2026-12-07T09:00:00+08:00")
        let status = OutboxStatus(
            counts: [.init(state: .failed, channel: "<ch>", count: 1)], dueNow: 0, retries: [],
            failures: [.init(key: "k/<1>", channel: "<ch>", attempts: 3, error: "550 <bad> & 'quoted'", at: at)],
            missed: [.init(key: "m/\"2\"", channel: "mail", due: at, reason: "down > 3d & more")],
            lastAttempts: [
                HistoryEntry(
                    key: "h/1", rule: "r", contact: "c", channel: "mail", recipient: "<owner>", due: at, attempt: 1,
                    at: at, finishedAt: at, outcome: .failed, detail: "<html>oops</html>")
            ],
            scheduledThrough: nil)
        let model = try Self.model(
            next: [
                .init(
                    due: at, rule: "<rule>", contact: "acme", contactName: hostile, recipient: "acme", channel: "mail")
            ],
            status: status, chart: [.init(date: "2026-12-07", counts: ["<rule>": 2])], rules: ["<rule>"])
        let html = StatusPage.html(model)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<bad>") && !html.contains("<ch>") && !html.contains("<rule>"))
        #expect(!html.contains("<owner>") && !html.contains("<html>oops") && !html.contains("<1>"))
        #expect(try Self.section("next", in: html).contains("\(escaped) (acme)"))
        #expect(try Self.section("failures", in: html).contains("550 &lt;bad&gt; &amp; &#39;quoted&#39;"))
        #expect(try Self.section("missed", in: html).contains("m/&quot;2&quot;"))
        #expect(try Self.section("missed", in: html).contains("down &gt; 3d &amp; more"))
        #expect(try Self.section("deliveries", in: html).contains("&lt;html&gt;oops&lt;/html&gt;"))
        #expect(try Self.section("outbox", in: html).contains("&lt;ch&gt;"))
        let chart = try Self.section("chart", in: html)
        #expect(chart.contains("<title>2026-12-07 &lt;rule&gt;: 2</title>"))
        #expect(chart.contains("<span class=\"rule\">&lt;rule&gt;</span>"))
    }

    // MARK: - The tables

    @Test func timesAreShownInTheConfigurationsZoneToTheMinute() throws {
        let due = try Self.instant("2026-12-07T01:00:00Z")
        let model = try Self.model(next: [
            .init(due: due, rule: "birthday", contact: "acme", contactName: nil, recipient: "li.na", channel: "mail")
        ])
        let next = try Self.section("next", in: StatusPage.html(model))
        #expect(next.contains("<td>2026-12-07 09:00</td>"))
        #expect(next.contains("<td>acme</td>"))
        #expect(next.contains("<td>li.na</td>"))
    }

    @Test func theNextTableShowsTheFirstTwentyAndSaysHowManyThereAre() throws {
        let start = try Self.instant("2026-12-07T10:00:00+08:00")
        let rows = (0..<25).map {
            StatusPage.Row(
                due: start + Int64($0) * 3600, rule: "birthday", contact: "c\($0)", contactName: nil, recipient: "c",
                channel: "mail")
        }
        let next = try Self.section("next", in: StatusPage.html(try Self.model(language: "en", next: rows)))
        #expect(next.components(separatedBy: "<tr>").count - 1 == 1 + StatusPage.nextLimit)
        #expect(next.contains("<td>c19</td>") && !next.contains("<td>c20</td>"))
        #expect(next.contains("The first 20 of 25 are shown."))
    }

    @Test func theOutboxIsATableOfStatesByChannelWithTotals() throws {
        let status = OutboxStatus(
            counts: [
                .init(state: .pending, channel: "mail", count: 2), .init(state: .delivered, channel: "mail", count: 5),
                .init(state: .delivered, channel: "wecom", count: 3), .init(state: .failed, channel: "wecom", count: 1),
            ], dueNow: 2, retries: [], failures: [], missed: [], lastAttempts: [], scheduledThrough: nil)
        let outbox = try Self.section("outbox", in: StatusPage.html(try Self.model(language: "en", status: status)))
        let num = { (n: Int) in "<td class=\"num\">\(n)</td>" }
        #expect(outbox.contains("<th scope=\"col\" class=\"num\">mail</th><th scope=\"col\" class=\"num\">wecom</th>"))
        #expect(outbox.contains("<tr><th scope=\"row\">pending</th>\(num(2))\(num(0))\(num(2))</tr>"))
        #expect(outbox.contains("<tr><th scope=\"row\">delivered</th>\(num(5))\(num(3))\(num(8))</tr>"))
        #expect(outbox.contains("<tr><th scope=\"row\">failed</th>\(num(0))\(num(1))\(num(1))</tr>"))
        #expect(outbox.contains("<tr><th scope=\"row\">Total</th>\(num(7))\(num(4))\(num(11))</tr>"))
        #expect(!outbox.contains(">missed<"), "a state without entries has no row")
    }

    @Test func retriesFailuresMissedAndDeliveriesListTheStoresEntries() throws {
        let at = try Self.instant("2026-12-06T08:30:00Z")
        let status = OutboxStatus(
            counts: [], dueNow: 0,
            retries: [
                .init(key: "callback/li/ev1", channel: "wecom", attempts: 2, nextAttemptAt: at + 600, lastError: nil)
            ],
            failures: [.init(key: "birthday/acme/2026-12-06", channel: "mail", attempts: 5, error: "550 no", at: at)],
            missed: [.init(key: "renewal/kim/2026-12-01", channel: "wecom", due: at, reason: "Tickler was down")],
            lastAttempts: [
                HistoryEntry(
                    key: "birthday/zhang/2026-12-06", rule: "birthday", contact: "zhang", channel: "mail",
                    recipient: "zhang", due: at, attempt: 2, at: at, finishedAt: at, outcome: .delivered,
                    detail: "250 ok")
            ],
            scheduledThrough: nil)
        let html = StatusPage.html(try Self.model(status: status))
        let retries = try Self.section("retries", in: html)
        #expect(retries.contains("<td>callback/li/ev1</td><td>wecom</td><td class=\"num\">2</td>"))
        #expect(retries.contains("<td>2026-12-06 16:40</td><td class=\"text\"></td>"))
        let failures = try Self.section("failures", in: html)
        #expect(failures.contains("<td>birthday/acme/2026-12-06</td><td>mail</td><td class=\"num\">5</td>"))
        #expect(failures.contains("<td>2026-12-06 16:30</td><td class=\"text\">550 no</td>"))
        #expect(try Self.section("missed", in: html).contains("<td class=\"text\">Tickler was down</td>"))
        let deliveries = try Self.section("deliveries", in: html)
        #expect(deliveries.contains("<td>birthday/zhang/2026-12-06</td>"))
        #expect(deliveries.contains("<td>已投递</td><td class=\"text\">250 ok</td>"))
    }

    // MARK: - The chart's days

    @Test func occurrencesCountOnTheirLocalDayInTheConfigurationsZone() throws {
        let shanghai = try Self.zone("Asia/Shanghai")
        let now = try Self.instant("2026-12-07T10:00:00+08:00")
        let occurrences = try [
            Self.occurrence("birthday", due: "2026-12-07T00:10:00+08:00"),  // earlier today: still today
            Self.occurrence("birthday", due: "2026-12-07T23:30:00+08:00"),  // 15:30 UTC
            Self.occurrence("callback", due: "2026-12-08T00:30:00+08:00"),  // 16:30 UTC, the same UTC day
            Self.occurrence("birthday", due: "2026-12-06T23:59:00+08:00"),  // yesterday: left out
            Self.occurrence("renewal", due: "2027-01-05T23:59:00+08:00"),  // the 30th day
            Self.occurrence("renewal", due: "2027-01-06T00:00:00+08:00"),  // the 31st: left out
        ]
        let days = StatusPage.chart(occurrences, zone: shanghai, now: now)
        #expect(days.count == 30)
        #expect(days.first?.date == "2026-12-07")
        #expect(days.last?.date == "2027-01-05")
        #expect(days[0].counts == ["birthday": 2])
        #expect(days[1].counts == ["callback": 1])
        #expect(days[29].counts == ["renewal": 1])
        #expect(days.reduce(0) { $0 + $1.total } == 4)
        // In UTC the same instants fall otherwise: the callback joins the birthdays' day.
        let utc = StatusPage.chart(occurrences, zone: .utc, now: now, days: 2)
        #expect(utc[0].counts == ["birthday": 1, "callback": 1])
    }

    @Test func daysFollowTheLocalCalendarAcrossAFallBack() throws {
        let newYork = try Self.zone("America/New_York")
        let now = try Self.instant("2026-10-31T12:00:00-04:00")
        let occurrences = try [
            Self.occurrence("birthday", due: "2026-11-01T23:30:00-05:00"),  // 04:30 UTC on 11-02
            Self.occurrence("birthday", due: "2026-11-02T00:30:00-05:00"),
        ]
        let days = StatusPage.chart(occurrences, zone: newYork, now: now, days: 4)
        #expect(days.map(\.date) == ["2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"])
        #expect(days.map(\.total) == [0, 1, 1, 0])
    }

    // MARK: - The chart's drawing

    /// The chart's bars: each `rect`'s y, height, fill and title.
    static func rects(_ html: String) -> [(y: Double, height: Double, fill: String, title: String)] {
        html.matches(
            of:
                /<rect x="\d+" y="([\d.]+)" width="\d+" height="([\d.]+)" fill="(#[0-9A-F]+)"><title>([^<]*)<\/title><\/rect>/
        )
        .map { (Double($0.output.1) ?? -1, Double($0.output.2) ?? -1, String($0.output.3), String($0.output.4)) }
    }

    @Test func barsStackOneRectPerRuleWithHeightsProportionalToTheCounts() throws {
        let chart: [StatusPage.ChartDay] = [
            .init(date: "2026-12-07", counts: ["birthday": 3, "callback": 1]),
            .init(date: "2026-12-08", counts: [:]),
            .init(date: "2026-12-09", counts: ["callback": 2, "birthday": 0]),
        ]
        let html = StatusPage.html(try Self.model(chart: chart, rules: ["birthday", "callback"]))
        let section = try Self.section("chart", in: html)
        #expect(section.contains("<svg class=\"chart\" role=\"img\""))
        #expect(section.contains("<title id=\"chart-title\">未来 3 天每日提醒：共 6 条</title>"))
        #expect(section.contains(/<text class="ymax"[^>]*>4<\/text>/), "the y axis is labelled with the largest day")
        let rects = Self.rects(section)
        #expect(rects.map(\.title) == ["2026-12-07 birthday: 3", "2026-12-07 callback: 1", "2026-12-09 callback: 2"])
        let plot = Double(StatusPage.ChartLayout.plotHeight)
        // The bars' own units: `step` a day across, one a pixel up.
        #expect(
            section.contains("viewBox=\"0 0 \(3 * StatusPage.ChartLayout.step) \(StatusPage.ChartLayout.plotHeight)\""))
        #expect(rects.map(\.height) == [plot * 3 / 4, plot / 4, plot / 2])
        // Stacked: the first rule stands on the baseline, the next on top of it.
        let baseline = plot
        #expect(rects[0].y + rects[0].height == baseline)
        #expect(rects[1].y + rects[1].height == rects[0].y)
        #expect(rects[2].y + rects[2].height == baseline)
        #expect(rects[0].fill == StatusPage.palette[0] && rects[1].fill == StatusPage.palette[1])
        #expect(rects[2].fill == rects[1].fill, "a rule keeps its colour from day to day")
    }

    @Test func dayLabelsAppearEveryFewDays() throws {
        let start = CivilDate(year: 2026, month: 12, day: 7)
        let chart = (0..<30).map {
            StatusPage.ChartDay(date: start.adding(days: $0).description, counts: ["birthday": 1])
        }
        let section = try Self.section("chart", in: StatusPage.html(try Self.model(chart: chart, rules: ["birthday"])))
        let labels = section.matches(of: /<text class="day"[^>]*>([^<]*)<\/text>/).map { String($0.output.1) }
        #expect(labels == ["12-07", "12-12", "12-17", "12-22", "12-27", "01-01"])
        #expect(Self.rects(section).count == 30)
    }

    @Test func theLegendListsTheRulesInOrderWithTheirColours() throws {
        let chart: [StatusPage.ChartDay] = [
            .init(date: "2026-12-07", counts: ["renewal": 1, "birthday": 2, "retired": 1])
        ]
        let rules = ["renewal", "callback", "birthday"]
        let section = try Self.section("chart", in: StatusPage.html(try Self.model(chart: chart, rules: rules)))
        let legend = try #require(section.firstMatch(of: /<ul class="legend">[\s\S]*<\/ul>/)).output
        let items = legend.matches(
            of:
                /<li><span class="swatch" style="background:(#[0-9A-F]+)"><\/span><span class="rule">([^<]*)<\/span> <span class="count">(\d+)<\/span><\/li>/
        )
        .map { (String($0.output.1), String($0.output.2), String($0.output.3)) }
        // The configured rules in order (one without reminders too), then a rule the configuration no longer has.
        #expect(items.map(\.1) == ["renewal", "callback", "birthday", "retired"])
        #expect(items.map(\.0) == Array(StatusPage.palette.prefix(4)))
        #expect(items.map(\.2) == ["1", "0", "2", "1"])
        // The bars stack in the legend's order, in the legend's colours.
        #expect(
            Self.rects(section).map(\.fill) == [StatusPage.palette[0], StatusPage.palette[2], StatusPage.palette[3]])
    }

    @Test func aChartOfOnlyEmptyDaysSaysSo() throws {
        let chart = [StatusPage.ChartDay(date: "2026-12-07", counts: ["birthday": 0])]
        let section = try Self.section("chart", in: StatusPage.html(try Self.model(language: "en", chart: chart)))
        #expect(section.contains("<p class=\"empty\">None</p>"))
        #expect(!section.contains("<svg"))
    }

    @Test(arguments: [(12.0, "12"), (12.5, "12.5"), (1.0 / 3, "0.33"), (160.0 * 2 / 3, "106.67"), (0.05, "0.05")])
    func coordinatesHaveAtMostTwoDecimals(value: Double, text: String) {
        #expect(StatusPage.number(value) == text)
    }
}
