import TicklerCore
import TicklerMessages

/// Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date in any
/// of the three forms recipients must accept (§5.6.7) — IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
/// RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime `Sun Nov  6 08:49:37 1994`. Pure: `now` is given.
public enum RetryAfter {
    /// Seconds to wait after `now` (seconds since the epoch), or `nil` when `value` is neither form.
    /// A date in the past gives 0.
    public static func seconds(from value: String, now: Int64) -> Int64? {
        let text = value.trimmingSpaces
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            return text.utf8.count <= 18 ? Int64(text) : nil
        }
        guard let instant = date(text, now: now) else { return nil }
        return max(0, instant - now)
    }

    /// The instant of an HTTP date, or `nil`.
    static func date(_ text: String, now: Int64) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return nil }
        if first.hasSuffix(",") {
            guard isDayName(first.dropLast(), long: parts.count == 4), parts.last == "GMT" else { return nil }
            if parts.count == 6 {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
                guard parts[1].count == 2, parts[3].count == 4, let year = Int(parts[3]) else { return nil }
                return instant(year: year, month: parts[2], day: parts[1], time: parts[4])
            }
            if parts.count == 4 {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
                let date = parts[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard date.count == 3, date[0].count == 2, date[2].count == 2, let twoDigits = Int(date[2]) else {
                    return nil
                }
                return instant(year: fullYear(twoDigits, now: now), month: date[1], day: date[0], time: parts[2])
            }
            return nil
        }
        // asctime: Sun Nov  6 08:49:37 1994
        guard parts.count == 5, isDayName(Substring(first), long: false), parts[4].count == 4,
            let year = Int(parts[4]), (1...2).contains(parts[2].count)
        else { return nil }
        return instant(year: year, month: parts[1], day: parts[2], time: parts[3])
    }

    /// A two-digit year read as RFC 9110 asks: one that would be more than 50 years in the future is the
    /// most recent past year with those digits.
    private static func fullYear(_ twoDigits: Int, now: Int64) -> Int {
        let current = Timestamp.civilFromDays(Int(now.dividedRoundingDown(by: 86_400))).year
        var year = current - current % 100 + twoDigits
        if year > current + 50 { year -= 100 }
        return year
    }

    private static func instant(year: Int, month: String, day: String, time: String) -> Int64? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let monthIndex = months.firstIndex(of: month.lowercased()),
            day.utf8.allSatisfy({ (48...57).contains($0) }),
            let day = Int(day)
        else { return nil }
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.utf8.allSatisfy { (48...57).contains($0) } }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let month = monthIndex + 1
        guard (1...9999).contains(year), day >= 1, day <= daysIn(month, year: year) else { return nil }
        let days = Int64(Timestamp.daysFromCivil(year: year, month: month, day: day))
        return days * 86_400 + Int64(hour * 3_600 + minute * 60 + min(second, 59))
    }

    private static func daysIn(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func isDayName(_ name: Substring, long: Bool) -> Bool {
        let short = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        return (long ? full : short).contains(name.lowercased())
    }
}

extension Int64 {
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor != 0 && self < 0 ? quotient - 1 : quotient
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
