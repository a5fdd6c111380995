extension StatusPage {
    /// The page's own text in one language: headings, column names, states and empty states.
    struct Words: Sendable {
        /// The document's `lang`.
        var lang: String
        var title: String
        var next, outbox, retries, failures, missed, deliveries: String
        var due, rule, contact, recipient, channel, state, total: String
        var key, attempts, attempt, nextAttempt, lastError, at, error, reason, outcome, detail: String
        /// What an empty section says; what the page says of a daemon that has not planned yet.
        var none, never: String
        /// Between the chart's heading and its total, in the chart's title.
        var separator: String
        /// Names of outbox states and attempt outcomes, by raw value.
        var states: [String: String]
        /// The heading of the chart, for a number of days.
        var chart: @Sendable (Int) -> String
        /// The chart's title after its heading: how many reminders it shows.
        var chartTotal: @Sendable (Int) -> String
        /// "The first 20 of 31 are shown".
        var more: @Sendable (_ shown: Int, _ all: Int) -> String
        /// The line under the title: now, the zone, how many are due, how far the daemon planned.
        var summary: @Sendable (_ now: String, _ zone: String, _ dueNow: Int, _ through: String) -> String

        /// The name of an outbox state or an attempt's outcome, or the raw value for one unknown here.
        func stateName(_ raw: String) -> String { states[raw] ?? raw }

        /// Chinese for `zh` and its variants (`zh-CN`, `zh_Hans`), English for every other language.
        static func `for`(language: String) -> Words {
            let lowered = language.lowercased()
            return lowered == "zh" || lowered.hasPrefix("zh-") || lowered.hasPrefix("zh_") ? .chinese : .english
        }

        static let chinese = Words(
            lang: "zh", title: "Tickler 状态",
            next: "下一批提醒", outbox: "发件箱", retries: "等待重试", failures: "失败", missed: "错过",
            deliveries: "最近投递",
            due: "时间", rule: "规则", contact: "联系人", recipient: "收件人", channel: "渠道", state: "状态",
            total: "合计",
            key: "键", attempts: "尝试次数", attempt: "第几次", nextAttempt: "下次尝试", lastError: "上次错误",
            at: "时间", error: "错误", reason: "原因", outcome: "结果", detail: "详情",
            none: "暂无", never: "从未（守护进程尚未运行）", separator: "：",
            states: [
                "pending": "待发送", "sending": "发送中", "delivered": "已投递", "retry": "重试",
                "failed": "失败", "missed": "错过", "interrupted": "中断",
            ],
            chart: { "未来 \($0) 天每日提醒" }, chartTotal: { "共 \($0) 条" },
            more: { shown, all in "显示前 \(shown) 条，共 \(all) 条" },
            summary: { now, zone, dueNow, through in
                "更新于 \(now)（\(zone)）· 当前待发 \(dueNow) 条 · 已排入发件箱至 \(through)"
            })

        static let english = Words(
            lang: "en", title: "Tickler status",
            next: "Next reminders", outbox: "Outbox", retries: "Retrying", failures: "Failures", missed: "Missed",
            deliveries: "Last deliveries",
            due: "Due", rule: "Rule", contact: "Contact", recipient: "Recipient", channel: "Channel",
            state: "State", total: "Total",
            key: "Key", attempts: "Attempts", attempt: "Attempt", nextAttempt: "Next attempt",
            lastError: "Last error", at: "At", error: "Error", reason: "Reason", outcome: "Outcome",
            detail: "Detail",
            none: "None", never: "never (the daemon has not run)", separator: ": ",
            states: [
                "pending": "pending", "sending": "sending", "delivered": "delivered", "retry": "retry",
                "failed": "failed", "missed": "missed", "interrupted": "interrupted",
            ],
            chart: { "Reminders due per day, next \($0) days" }, chartTotal: { "\($0) in all" },
            more: { shown, all in "The first \(shown) of \(all) are shown." },
            summary: { now, zone, dueNow, through in
                "As of \(now) (\(zone)) · due now: \(dueNow) · scheduled through \(through)"
            })
    }
}
