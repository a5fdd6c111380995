import TicklerCore

/// Why a text is not a date, in words fit for a `note:` line (`February 1985 has 28 days`).
///
/// Shared by `PartialDate.parse` and `LunarDate.parse`; callers put the text and the field in the
/// error line (`invalid date '1985-02-30' in 'birthday'`) and `reason` on the note under it.
public struct DateParseError: Error, Sendable, Hashable {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}

extension PartialDate {
    /// The years a contact date may have: wide enough for any living customer and any anniversary,
    /// narrow enough to catch `0985-03-14` or `19850-03-14`.
    public static let years = 1800...2200

    /// Parses `1980-03-14`, or `--03-14` when the year is not known. Only real days are accepted:
    /// no `1985-02-30`; `02-29` only in a leap year when the year is given (`--02-29` is allowed).
    public static func parse(_ text: String) -> Result<PartialDate, DateParseError> {
        let bytes = Array(text.utf8)
        if bytes.count == 10, bytes[4] == dash, bytes[7] == dash,
            let year = number(bytes, 0..<4), let month = number(bytes, 5..<7), let day = number(bytes, 8..<10)
        {
            return validated(year: year, month: month, day: day)
        }
        if bytes.count == 7, bytes[0] == dash, bytes[1] == dash, bytes[4] == dash,
            let month = number(bytes, 2..<4), let day = number(bytes, 5..<7)
        {
            return validated(year: nil, month: month, day: day)
        }
        return .failure(syntaxError(text))
    }

    /// Parses a vCard date (`BDAY`, `ANNIVERSARY`) in any of its forms: `19800314`, `1980-03-14`,
    /// `--0314`, `--03-14`. A time after `T` (`19800314T000000Z`) is ignored.
    public static func parseVCard(_ text: String) -> Result<PartialDate, DateParseError> {
        var bytes = Array(text.utf8)
        if let t = bytes.firstIndex(of: UInt8(ascii: "T")), t >= 6 { bytes.removeSubrange(t...) }
        if bytes.count == 8, let year = number(bytes, 0..<4), let month = number(bytes, 4..<6),
            let day = number(bytes, 6..<8)
        {
            return validated(year: year, month: month, day: day)
        }
        if bytes.count == 6, bytes[0] == dash, bytes[1] == dash, let month = number(bytes, 2..<4),
            let day = number(bytes, 4..<6)
        {
            return validated(year: nil, month: month, day: day)
        }
        if bytes.count == 4 || bytes.count == 7, number(bytes, 0..<4) != nil {
            return .failure(DateParseError("a date needs a month and a day, not only a year or a month"))
        }
        return parse(String(decoding: bytes, as: UTF8.self)).mapError { error in
            error.reason.hasPrefix("write the date as") ? syntaxError(text, vCard: true) : error
        }
    }

    /// The date if the day exists in that month (and year, when known) and the year is in `years`.
    public static func validated(year: Int?, month: Int, day: Int) -> Result<PartialDate, DateParseError> {
        if let year, !years.contains(year) {
            let written = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            return .failure(
                DateParseError(
                    "year \(written) is out of range; a year must lie between \(years.lowerBound) and \(years.upperBound)"
                ))
        }
        guard (1...12).contains(month) else {
            return .failure(DateParseError("there is no month \(twoDigits(month)); months run from 01 to 12"))
        }
        guard day >= 1 else {
            return .failure(DateParseError("there is no day 00; days start at 01"))
        }
        let limit = days(inMonth: month, year: year)
        guard day <= limit else {
            let name = monthNames[month - 1]
            if let year { return .failure(DateParseError("\(name) \(year) has \(limit) days")) }
            return .failure(DateParseError(month == 2 ? "February has at most 29 days" : "\(name) has \(limit) days"))
        }
        return .success(PartialDate(year: year, month: month, day: day))
    }

    /// The number of days in a month; February has 29 when the year is unknown or a leap year.
    public static func days(inMonth month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let year else { return 29 }
            return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// The note for text that is not shaped like a date at all, as specific as the text allows.
    private static func syntaxError(_ text: String, vCard: Bool = false) -> DateParseError {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let allDigits = parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        if allDigits, parts.count == 3, parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count <= 2 }) {
            return DateParseError("write the month and the day with two digits, e.g. '1980-03-04'")
        }
        if allDigits, parts.count == 2, parts.allSatisfy({ $0.count <= 2 }) {
            return DateParseError("a date without a year is written '--MM-DD', e.g. '--03-14'")
        }
        if vCard {
            return DateParseError(
                "write the date as 'YYYYMMDD' or 'YYYY-MM-DD' (e.g. '19800314'), or '--MMDD' when the year is not known"
            )
        }
        return DateParseError(
            "write the date as 'YYYY-MM-DD' (e.g. '1980-03-14'), or '--MM-DD' when the year is not known")
    }
}

private let dash = UInt8(ascii: "-")

extension PartialDate {
    /// The decimal number written in `bytes[range]`, if every byte there is a digit.
    static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            let digit = Int(bytes[index]) - 0x30
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// `3` as `03`, the way dates are written.
    static func twoDigits(_ value: Int) -> String {
        (0..<10).contains(value) ? "0\(value)" : "\(value)"
    }
}
