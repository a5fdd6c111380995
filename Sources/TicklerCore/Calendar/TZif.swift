/// The offsets of a zone from a TZif file (RFC 8536), version 2 or later, as the system's zone
/// database (`/usr/share/zoneinfo`) holds them: the transitions the file lists, then, after the last
/// of them, those of the POSIX TZ rule in its footer (`EST5EDT,M3.2.0,M11.1.0`), year by year.
///
/// Pure: the caller reads the file.
enum TZif {
    /// Offsets (seconds east of UTC) from `start` to `end`: `offsets[0]` is in force at `start`,
    /// `offsets[i]` from `transitions[i - 1]`; only changes of the offset are transitions, and all
    /// lie after `start` and before `end`. `nil` when `bytes` are not a TZif file of version 2 or
    /// later with a footer this reads.
    static func table(_ bytes: [UInt8], from start: Int64, to end: Int64) -> (transitions: [Int64], offsets: [Int])? {
        var reader = Reader(bytes: bytes)
        guard let first = reader.header(), first.version >= 2 else { return nil }
        guard reader.skip(first.dataLength(timeSize: 4)), let header = reader.header() else { return nil }
        var times: [Int64] = []
        for _ in 0..<header.timeCount {
            guard let time = reader.integer(8) else { return nil }
            times.append(time)
        }
        var typeOfTime: [Int] = []
        for _ in 0..<header.timeCount {
            guard let type = reader.integer(1) else { return nil }
            typeOfTime.append(Int(type))
        }
        var typeOffsets: [Int] = []
        for _ in 0..<header.typeCount {
            guard let offset = reader.integer(4), reader.skip(2) else { return nil }
            typeOffsets.append(Int(Int32(truncatingIfNeeded: offset)))
        }
        guard !typeOffsets.isEmpty, typeOfTime.allSatisfy({ $0 < typeOffsets.count }),
            reader.skip(header.characterCount + header.leapCount * 12 + header.standardCount + header.utcCount),
            let footer = reader.footer()
        else { return nil }
        // An empty footer: the last listed offset holds for ever (RFC 8536 3.3).
        let lastOffset = typeOfTime.last.map { typeOffsets[$0] } ?? typeOffsets[0]
        guard let rule = footer.isEmpty ? PosixTZ(standard: lastOffset) : PosixTZ(footer) else { return nil }

        var table = Builder(start: start, end: end, initial: typeOffsets[0])
        for (time, type) in zip(times, typeOfTime) { table.add(time, typeOffsets[type]) }
        let last = times.last ?? start
        if let daylight = rule.daylight {
            let firstYear = CivilDate(daysSinceEpoch: Int(max(last, start).floorDiv(86_400))).year - 1
            let lastYear = CivilDate(daysSinceEpoch: Int(end.floorDiv(86_400))).year + 1
            for year in firstYear...max(firstYear, lastYear) {
                let begins = daylight.start.instant(in: year, offsetBefore: rule.standard)
                let ends = daylight.end.instant(in: year, offsetBefore: daylight.offset)
                for (time, offset) in [(begins, daylight.offset), (ends, rule.standard)].sorted(by: { $0.0 < $1.0 })
                where time > last {
                    table.add(time, offset)
                }
            }
        } else if times.isEmpty || typeOffsets[typeOfTime[typeOfTime.count - 1]] != rule.standard {
            table.add(last, rule.standard)
        }
        return (table.transitions, table.offsets)
    }

    /// Collects offset changes in time order, keeping those within the range.
    private struct Builder {
        let start: Int64
        let end: Int64
        var transitions: [Int64] = []
        var offsets: [Int]

        init(start: Int64, end: Int64, initial: Int) {
            self.start = start
            self.end = end
            offsets = [initial]
        }

        mutating func add(_ time: Int64, _ offset: Int) {
            guard time < end else { return }
            if time <= start {
                offsets[0] = offset  // in force at the start
                return
            }
            // Two changes at one instant (a rule's end and the next year's start): the later one holds.
            if let previous = transitions.last, time <= previous {
                transitions.removeLast()
                offsets.removeLast()
            }
            if offset != offsets[offsets.count - 1] {
                transitions.append(time)
                offsets.append(offset)
            }
        }
    }

    private struct Header {
        var version: Int
        var utcCount: Int
        var standardCount: Int
        var leapCount: Int
        var timeCount: Int
        var typeCount: Int
        var characterCount: Int

        func dataLength(timeSize: Int) -> Int {
            timeCount * (timeSize + 1) + typeCount * 6 + characterCount + leapCount * (timeSize + 4) + standardCount
                + utcCount
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        /// A big-endian integer of `size` bytes, sign-extended.
        mutating func integer(_ size: Int) -> Int64? {
            guard position + size <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<(position + size)] { value = value << 8 | Int64(byte) }
            position += size
            let unused = 64 - 8 * size
            return unused == 0 ? value : (value << unused) >> unused
        }

        mutating func skip(_ count: Int) -> Bool {
            guard count >= 0, position + count <= bytes.count else { return false }
            position += count
            return true
        }

        mutating func header() -> Header? {
            guard position + 44 <= bytes.count, Array(bytes[position..<(position + 4)]) == Array("TZif".utf8) else {
                return nil
            }
            let versionByte = bytes[position + 4]
            let version = versionByte == 0 ? 1 : Int(versionByte) - Int(UInt8(ascii: "0"))
            position += 20
            var counts: [Int] = []
            for _ in 0..<6 {
                guard let count = integer(4), count >= 0, count < 1 << 20 else { return nil }
                counts.append(Int(count))
            }
            return Header(
                version: version, utcCount: counts[0], standardCount: counts[1], leapCount: counts[2],
                timeCount: counts[3], typeCount: counts[4], characterCount: counts[5])
        }

        /// The text between the two line feeds that end the file.
        mutating func footer() -> String? {
            guard position < bytes.count, bytes[position] == 0x0A,
                let close = bytes[(position + 1)...].firstIndex(of: 0x0A)
            else { return nil }
            return String(decoding: bytes[(position + 1)..<close], as: UTF8.self)
        }
    }
}

/// A POSIX TZ string as TZif footers write it (RFC 8536 3.3, with its extensions: hours of rule
/// times from -167 to 167): a standard offset, and optionally a daylight offset with the rules
/// of when it starts and ends each year.
struct PosixTZ {
    /// Seconds east of UTC.
    var standard: Int
    var daylight: (offset: Int, start: Transition, end: Transition)?

    /// A day of the year and the local time on it (in the offset in force before the change).
    struct Transition {
        enum Day {
            /// `Jn`: day 1…365, February 29 never counted.
            case julian(Int)
            /// `n`: day 0…365, February 29 counted.
            case ordinal(Int)
            /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
            case weekday(month: Int, week: Int, weekday: Int)
        }

        var day: Day
        /// Seconds after local midnight; may be negative or past a day.
        var time: Int

        func instant(in year: Int, offsetBefore: Int) -> Int64 {
            let date: CivilDate
            switch day {
            case .julian(let n):
                let leapDay = CivilDate.isLeapYear(year) && n >= 60 ? 1 : 0
                date = CivilDate(
                    daysSinceEpoch: CivilDate(year: year, month: 1, day: 1).daysSinceEpoch + n - 1 + leapDay)
            case .ordinal(let n):
                date = CivilDate(daysSinceEpoch: CivilDate(year: year, month: 1, day: 1).daysSinceEpoch + n)
            case .weekday(let month, let week, let weekday):
                let first = CivilDate(year: year, month: month, day: 1).daysSinceEpoch
                // 1970-01-01 was a Thursday (4).
                var day = first + ((weekday - (first + 4) % 7) % 7 + 7) % 7 + 7 * (week - 1)
                let next = CivilDate(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1).daysSinceEpoch
                while day >= next { day -= 7 }  // week 5: the last such weekday of the month
                date = CivilDate(daysSinceEpoch: day)
            }
            return Int64(date.daysSinceEpoch) * 86_400 + Int64(time - offsetBefore)
        }
    }

    /// A constant offset.
    init(standard: Int) {
        self.standard = standard
        daylight = nil
    }

    init?(_ text: String) {
        var scanner = Scanner(text)
        guard scanner.name(), let standard = scanner.offset() else { return nil }
        self.standard = -standard
        guard !scanner.isAtEnd else {
            daylight = nil
            return
        }
        guard scanner.name() else { return nil }
        var daylightOffset = self.standard + 3600
        if !scanner.isAtEnd, scanner.peek != UInt8(ascii: ",") {
            guard let offset = scanner.offset() else { return nil }
            daylightOffset = -offset
        }
        guard scanner.take(UInt8(ascii: ",")), let start = scanner.transition(), scanner.take(UInt8(ascii: ",")),
            let end = scanner.transition(), scanner.isAtEnd
        else { return nil }
        daylight = (daylightOffset, start, end)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ text: String) { bytes = Array(text.utf8) }

        var isAtEnd: Bool { position >= bytes.count }
        var peek: UInt8? { isAtEnd ? nil : bytes[position] }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            position += 1
            return true
        }

        /// `EST` or `<+0330>`.
        mutating func name() -> Bool {
            if take(UInt8(ascii: "<")) {
                guard let close = bytes[position...].firstIndex(of: UInt8(ascii: ">")), close > position else {
                    return false
                }
                position = close + 1
                return true
            }
            let start = position
            while let byte = peek, (byte | 0x20) >= UInt8(ascii: "a"), (byte | 0x20) <= UInt8(ascii: "z") {
                position += 1
            }
            return position > start
        }

        /// `[+-]hh[:mm[:ss]]` in seconds (hours up to 167).
        mutating func offset() -> Int? {
            var sign = 1
            if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
            guard let hours = number(), hours <= 167 else { return nil }
            var seconds = hours * 3600
            if take(UInt8(ascii: ":")) {
                guard let minutes = number(), minutes < 60 else { return nil }
                seconds += minutes * 60
                if take(UInt8(ascii: ":")) {
                    guard let more = number(), more < 60 else { return nil }
                    seconds += more
                }
            }
            return sign * seconds
        }

        mutating func number() -> Int? {
            let start = position
            var value = 0
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), position - start < 4 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                position += 1
            }
            return position > start ? value : nil
        }

        /// `Jn`, `n` or `Mm.w.d`, then `/time` (02:00 when left out).
        mutating func transition() -> Transition? {
            let day: Transition.Day
            if take(UInt8(ascii: "J")) {
                guard let n = number(), (1...365).contains(n) else { return nil }
                day = .julian(n)
            } else if take(UInt8(ascii: "M")) {
                guard let month = number(), (1...12).contains(month), take(UInt8(ascii: ".")), let week = number(),
                    (1...5).contains(week), take(UInt8(ascii: ".")), let weekday = number(), weekday <= 6
                else { return nil }
                day = .weekday(month: month, week: week, weekday: weekday)
            } else {
                guard let n = number(), n <= 365 else { return nil }
                day = .ordinal(n)
            }
            var time = 7200
            if take(UInt8(ascii: "/")) {
                guard let value = offset() else { return nil }
                time = value
            }
            return Transition(day: day, time: time)
        }
    }
}
