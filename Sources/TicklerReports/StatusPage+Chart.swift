import TicklerCore

/// The status page's chart: reminders due per local day, one bar a day stacked by rule, as inline SVG.
extension StatusPage {
    /// Buckets occurrences into the `days` local days starting at `now`'s day in `zone`, per rule.
    ///
    /// Each occurrence counts on the day its due instant falls on in `zone` (the configuration's zone,
    /// whatever the recipient's); occurrences due before that first day or after the last are left out.
    public static func chart(_ occurrences: [Occurrence], zone: ZoneRules, now: Int64, days: Int = 30) -> [ChartDay] {
        let days = max(0, days)
        let first = zone.localDate(at: now).daysSinceEpoch
        var counts = [[String: Int]](repeating: [:], count: days)
        for occurrence in occurrences {
            let index = zone.localDate(at: occurrence.due).daysSinceEpoch - first
            guard counts.indices.contains(index) else { continue }
            counts[index][occurrence.rule, default: 0] += 1
        }
        return counts.enumerated().map { index, rules in
            ChartDay(date: CivilDate(daysSinceEpoch: first + index).description, counts: rules)
        }
    }

    /// The chart's rules in stacking order: `rules` as configured, then any other rule the days count
    /// (a rule since removed from the configuration), by name.
    static func chartRules(_ days: [ChartDay], rules: [String]) -> [String] {
        var seen = Set<String>()
        let configured = rules.filter { seen.insert($0).inserted }
        let others = Set(days.flatMap { day in day.counts.filter { $0.value > 0 }.keys }).subtracting(seen)
        return configured + others.sorted()
    }

    /// Colour-blind-safe colours (Okabe and Ito's palette), given to rules in order and used again from
    /// the first after the last.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"]

    /// The colour of the rule at `index` in ``chartRules(_:rules:)``.
    static func colour(_ index: Int) -> String { palette[index % palette.count] }

    /// Where things go in the chart. The SVG is as wide as the page and a fixed height: its text is
    /// laid out in CSS pixels and per cent of the width, so it keeps its size on a phone, while the bars
    /// are drawn in a nested SVG of their own units (``step`` a day, one unit a pixel high) stretched
    /// across the width.
    enum ChartLayout {
        /// Room above the bars for the y axis' maximum.
        static let top = 16
        /// The bars' height at the largest day's count; the bars' baseline is at this y in their own units.
        static let plotHeight = 160
        /// Room below the bars for the day labels.
        static let bottom = 20
        /// The width of each day in the bars' units, and of its bar.
        static let step = 10
        static let bar = 7
        static var height: Int { top + plotHeight + bottom }
    }

    /// The SVG: one stacked bar per day (a `rect` per rule with reminders, each with a `title` naming
    /// the day, the rule and the count), a label every few days, the y axis' maximum on a grid line.
    static func chartSVG(_ days: [ChartDay], rules: [String], title: String) -> String {
        typealias L = ChartLayout
        let maximum = max(1, days.map(\.total).max() ?? 0)
        /// The y coordinate, in the bars' units, of the top of a stack of `count` reminders.
        func y(_ count: Int) -> Double { Double(L.plotHeight) - Double(count * L.plotHeight) / Double(maximum) }
        let baseline = L.top + L.plotHeight
        var svg = "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"100%\" "
        svg += "height=\"\(L.height)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        svg += "<title id=\"chart-title\">\(escape(title))</title>\n"
        svg += "<line class=\"grid\" x1=\"0\" y1=\"\(L.top)\" x2=\"100%\" y2=\"\(L.top)\"/>\n"
        svg += "<text class=\"ymax\" x=\"0\" y=\"\(L.top - 4)\">\(maximum)</text>\n"
        svg += "<svg class=\"bars\" x=\"0\" y=\"\(L.top)\" width=\"100%\" height=\"\(L.plotHeight)\" "
        svg += "viewBox=\"0 0 \(max(1, days.count) * L.step) \(L.plotHeight)\" preserveAspectRatio=\"none\">\n"
        for (index, day) in days.enumerated() {
            let x = L.step * index + (L.step - L.bar) / 2
            var stacked = 0
            for (ruleIndex, rule) in rules.enumerated() {
                let count = day.counts[rule] ?? 0
                guard count > 0 else { continue }
                let top = y(stacked + count)
                svg += "<rect x=\"\(x)\" y=\"\(number(top))\" width=\"\(L.bar)\" "
                svg += "height=\"\(number(y(stacked) - top))\" fill=\"\(colour(ruleIndex))\">"
                svg += "<title>\(escape("\(day.date) \(rule): \(count)"))</title></rect>\n"
                stacked += count
            }
        }
        svg += "</svg>\n"
        svg += "<line class=\"axis\" x1=\"0\" y1=\"\(baseline)\" x2=\"100%\" y2=\"\(baseline)\"/>\n"
        let labelEvery = max(1, (days.count + 5) / 6)
        for (index, day) in days.enumerated() where index % labelEvery == 0 {
            // At the left edge of the day's bar, in per cent of the width.
            let x = number((Double(index * L.step) + Double(L.step - L.bar) / 2) * 100 / Double(days.count * L.step))
            let label = escape(String(day.date.dropFirst(5)))  // 12-07
            svg += "<text class=\"day\" x=\"\(x)%\" y=\"\(baseline + 14)\">\(label)</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// The legend: each rule's colour, name and count over the chart's days, in stacking order.
    static func legend(_ days: [ChartDay], _ rules: [String]) -> String {
        var html = "<ul class=\"legend\">\n"
        for (index, rule) in rules.enumerated() {
            let total = days.reduce(0) { $0 + max(0, $1.counts[rule] ?? 0) }
            html += "<li><span class=\"swatch\" style=\"background:\(colour(index))\"></span>"
            html += "<span class=\"rule\">\(escape(rule))</span> <span class=\"count\">\(total)</span></li>\n"
        }
        return html + "</ul>\n"
    }

    /// A coordinate to two decimals, without trailing zeros: `12`, `12.5`, `12.33`.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths) / 100
        let fraction = abs(hundredths) % 100
        if fraction == 0 { return sign + String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return sign + String(whole) + "." + digits
    }
}
