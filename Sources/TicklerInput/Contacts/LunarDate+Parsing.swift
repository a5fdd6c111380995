import TicklerCore

extension LunarDate {
    /// Parses a Chinese-calendar month and day: `08-15`, or `L04-15` for the 15th of a leap 4th month.
    /// Months run from 01 to 12 and days from 01 to 30; the reason says exactly what is wrong otherwise.
    public static func parse(_ text: String) -> Result<LunarDate, DateParseError> {
        var bytes = Array(text.utf8)
        var isLeapMonth = false
        if let first = bytes.first, first == UInt8(ascii: "L") || first == UInt8(ascii: "l") {
            guard first == UInt8(ascii: "L") else {
                return .failure(DateParseError("a leap month is written with a capital 'L', e.g. 'L04-15'"))
            }
            isLeapMonth = true
            bytes.removeFirst()
        }
        guard bytes.count == 5, bytes[2] == UInt8(ascii: "-"), let month = PartialDate.number(bytes, 0..<2),
            let day = PartialDate.number(bytes, 3..<5)
        else {
            return .failure(syntaxError(String(decoding: bytes, as: UTF8.self)))
        }
        guard (1...12).contains(month) else {
            return .failure(
                DateParseError("there is no lunar month \(PartialDate.twoDigits(month)); months run from 01 to 12"))
        }
        guard day >= 1 else {
            return .failure(DateParseError("there is no day 00; days start at 01"))
        }
        guard day <= 30 else {
            return .failure(DateParseError("a lunar month has at most 30 days"))
        }
        return .success(LunarDate(month: month, day: day, isLeapMonth: isLeapMonth))
    }

    /// The note for text (after any `L`) that is not shaped like `MM-DD`.
    private static func syntaxError(_ text: String) -> DateParseError {
        if text.hasPrefix("--") {
            return DateParseError("a lunar date is written without '--', e.g. '08-15'")
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let allDigits = parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        if allDigits, parts.count == 3 {
            return DateParseError("a lunar birthday has no year; write only the month and the day, e.g. '08-15'")
        }
        if allDigits, parts.count == 2, parts.allSatisfy({ $0.count <= 2 }) {
            return DateParseError("write the month and the day with two digits, e.g. '08-05'")
        }
        return DateParseError(
            "write a lunar date as 'MM-DD' (e.g. '08-15'), with 'L' before a leap month (e.g. 'L04-15')")
    }
}
