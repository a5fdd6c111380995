/// Durations as the daemon's messages show them.
enum DurationText {
    /// `24h`, `2d`, `90m`, `45s`: the largest unit that divides `seconds` exactly, days only from two.
    static func compact(_ seconds: Int64) -> String {
        if seconds >= 2 * 86_400, seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds > 0, seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds > 0, seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// `3 days`, `25 hours`, `5 minutes`, `1 second`: whole units, rounded down, the largest of which
    /// there are at least two (one for seconds).
    static func ago(_ seconds: Int64) -> String {
        let (value, unit): (Int64, String) =
            switch seconds {
            case (2 * 86_400)...: (seconds / 86_400, "day")
            case (2 * 3_600)...: (seconds / 3_600, "hour")
            case 120...: (seconds / 60, "minute")
            default: (seconds, "second")
            }
        return "\(value) \(unit)\(value == 1 ? "" : "s")"
    }
}
