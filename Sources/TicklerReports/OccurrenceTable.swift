import TicklerCore
import TicklerInput

/// `upcoming`'s table: aligned columns (wide characters count two), each time in the recipient's
/// zone, relative days; the last column is not padded and no line ends in spaces.
///
/// Written from the listing's entries in pieces, on every core, in two passes: the widths of the
/// columns, then the lines, handed over in order as each piece is ready. No line is kept and no
/// `Occurrence` is made: a year of a million contacts is five million lines. What a cell is made
/// of — a contact's name and id, an owner's name, a rule's name — is escaped and measured once.
public struct OccurrenceTable: Sendable {
    let scheduled: ScheduledOccurrences
    let now: Int64
    /// Texts escaped once, one after another; the ranges below point into it.
    let texts: [UInt8]
    /// The CONTACT column of each contact listed, by index in `schedule.contacts`: `NAME (ID)`, or
    /// the id for a contact without a name (empty for a contact not listed), in `contactTexts`.
    let contacts: [Cell]
    let contactTexts: [UInt8]
    /// `owner NAME` and `manager NAME`, by index in `schedule.ownerList`.
    let owners: [Cell]
    let managers: [Cell]
    /// Each owner's id (for the digests' keys), by index in `schedule.ownerList`.
    let ownerIDs: [Cell]
    /// Each rule's name and channel (by `Entry.rule`; the digests' after the rules').
    let ruleNames: [Cell]
    let channels: [Cell]
    /// Whether each rule's reminders go to the owner (rather than the manager or the contact).
    let toOwner: [Bool]
    /// The WHEN column: `now`, then `in N minutes` for N = 1…59, `in N hours` for 1…23 and `in N
    /// days` from 1 to the last day listed (``relative(_:)``).
    let relatives: [Cell]

    static let header = ["DUE", "WHEN", "RULE", "CONTACT", "TO", "CHANNEL"]

    /// Bytes in `texts` and the columns they take on a terminal.
    struct Cell: Sendable {
        var bytes: Range<Int>
        var width: Int
    }

    public init(_ scheduled: ScheduledOccurrences, config: Config, now: Int64) {
        self.scheduled = scheduled
        self.now = now
        let schedule = scheduled.schedule
        (contactTexts, contacts) = Self.contactCells(scheduled)
        var texts: [UInt8] = []
        func add(_ text: String) -> Cell { Self.add(text, to: &texts) }
        let names = schedule.ownerList.map { QuotedToken.escaped(config.owners[$0.id]?.name ?? $0.id) }
        owners = names.map { add("owner \($0)") }
        managers = names.map { add("manager \($0)") }
        ownerIDs = schedule.ownerList.map { add($0.id) }
        ruleNames = scheduled.ruleTexts.map { add(String(decoding: $0.name, as: UTF8.self)) }
        channels = scheduled.ruleTexts.map { add(String(decoding: $0.channel, as: UTF8.self)) }
        toOwner = scheduled.rules.map { $0.recipient == .owner }
        let lastDay = Int(max(0, ((scheduled.entries.lazy.map(\.due).max() ?? now) - now) / 86_400))
        relatives =
            [add(Self.relative(0))] + (1..<60).map { add(Self.relative(Int64($0) * 60)) }
            + (1..<24).map { add(Self.relative(Int64($0) * 3_600)) }
            + (1..<(lastDay + 1)).map { add(Self.relative(Int64($0) * 86_400)) }
        self.texts = texts
    }

    /// The WHEN column of an entry due in `seconds`.
    private func relative(_ seconds: Int64) -> Cell? {
        let index =
            switch seconds {
            case ..<60: 0
            case ..<3_600: Int(seconds / 60)
            case ..<86_400: 59 + Int(seconds / 3_600)
            default: 82 + Int(seconds / 86_400)
            }
        return index < relatives.count ? relatives[index] : nil
    }

    /// Appends `text` to `texts`: where it is there and the columns it takes (its byte count when
    /// it is ASCII).
    private static func add(_ text: String, to texts: inout [UInt8]) -> Cell {
        let start = texts.count
        texts.append(contentsOf: text.utf8)
        let width = texts[start...].allSatisfy { $0 < 0x80 && $0 != 0 } ? texts.count - start : DisplayWidth.of(text)
        return Cell(bytes: start..<texts.count, width: width)
    }

    /// The CONTACT column of every contact the listing names, made in slices on every core.
    private static func contactCells(_ scheduled: ScheduledOccurrences) -> (texts: [UInt8], cells: [Cell]) {
        let contacts = scheduled.schedule.contacts
        var listed = [Bool](repeating: false, count: contacts.count)
        for entry in scheduled.entries where !scheduled.isDigest(entry) { listed[Int(entry.contact)] = true }
        let slices = stride(from: 0, to: contacts.count, by: 65_536).map { $0..<min($0 + 65_536, contacts.count) }
        let wanted = listed
        let parts = ParallelMap.run(slices) { slice in
            var texts: [UInt8] = []
            var cells: [Cell] = []
            cells.reserveCapacity(slice.count)
            for index in slice {
                guard wanted[index] else {
                    cells.append(Cell(bytes: texts.count..<texts.count, width: 0))
                    continue
                }
                let contact = contacts[index]
                cells.append(
                    add(contact.name.map { "\(QuotedToken.escaped($0)) (\(contact.id))" } ?? contact.id, to: &texts))
            }
            return (texts, cells)
        }
        var (texts, cells): ([UInt8], [Cell]) = ([], [])
        texts.reserveCapacity(parts.reduce(0) { $0 + $1.0.count })
        cells.reserveCapacity(contacts.count)
        for (partTexts, partCells) in parts {
            let shift = texts.count
            texts += partTexts
            cells += partCells.lazy.map {
                Cell(bytes: ($0.bytes.lowerBound + shift)..<($0.bytes.upperBound + shift), width: $0.width)
            }
        }
        return (texts, cells)
    }

    /// The whole table as text (`nothing due` when there is nothing).
    public var text: String {
        var bytes: [UInt8] = []
        write { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the table to `output` in pieces of `entriesPerPiece` entries, in order.
    public func write(entriesPerPiece: Int = 4096, to output: ([UInt8]) -> Void) {
        guard !scheduled.isEmpty else { return output(Array("nothing due\n".utf8)) }
        let (count, size) = (scheduled.entries.count, max(1, entriesPerPiece))
        let pieces = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        var widths = Self.header.dropLast().map(DisplayWidth.of)
        for piece in ParallelMap.run(pieces, { self.widths(of: $0) }) {
            for column in widths.indices { widths[column] = max(widths[column], piece[column]) }
        }
        let columns = widths
        var header = Line()
        for name in Self.header {
            OccurrenceJSON.withBytes(name) { header.append($0, width: $0.count) }
            header.next()
        }
        output(header.finished(widths: columns))
        ParallelMap.stream(pieces, { self.lines(of: $0, widths: columns) }, inOrder: output)
    }

    /// The widest cell of each column but the last among the entries in `range`.
    private func widths(of range: Range<Int>) -> [Int] {
        var widths = [Int](repeating: 0, count: Self.header.count - 1)
        var line = Line(measuring: true)
        for index in range {
            line.clear()
            cells(of: scheduled.entries[index], into: &line)
            for column in widths.indices { widths[column] = max(widths[column], line.widths[column]) }
        }
        return widths
    }

    /// The lines of the entries in `range`.
    private func lines(of range: Range<Int>, widths: [Int]) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(range.count * 128)
        var line = Line()
        for index in range {
            line.clear()
            cells(of: scheduled.entries[index], into: &line)
            line.appendFinished(widths: widths, to: &text)
        }
        return text
    }

    /// One line's six cells, one after another, with where each ends and how wide it is: parts
    /// are appended to the current cell, `next()` ends it.
    struct Line {
        var bytes: [UInt8] = []
        var ends = InlineArray<6, Int>(repeating: 0)
        var widths = InlineArray<6, Int>(repeating: 0)
        /// Whether only the widths are wanted (the first pass): the bytes are not kept.
        let measuring: Bool
        private var cell = 0

        init(measuring: Bool = false) {
            self.measuring = measuring
            bytes.reserveCapacity(measuring ? 0 : 512)
        }

        mutating func clear() {
            bytes.removeAll(keepingCapacity: true)
            for column in widths.indices { widths[column] = 0 }
            cell = 0
        }

        mutating func append(_ part: UnsafeBufferPointer<UInt8>, width: Int) {
            if !measuring { bytes.append(contentsOf: part) }
            widths[cell] += width
        }

        /// Appends ASCII text.
        mutating func append(_ text: StaticString) {
            append(
                UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), width: text.utf8CodeUnitCount
            )
        }

        mutating func next() {
            ends[cell] = bytes.count
            cell += 1
        }

        /// The cells padded to `columns` and separated by two spaces, without trailing spaces.
        func finished(widths columns: [Int]) -> [UInt8] {
            var line: [UInt8] = []
            line.reserveCapacity(bytes.count + columns.reduce(12, +))
            appendFinished(widths: columns, to: &line)
            return line
        }

        func appendFinished(widths columns: [Int], to line: inout [UInt8]) {
            let lineStart = line.count
            var start = 0
            for column in 0..<6 {
                if column > 0 { line.append(contentsOf: repeatElement(0x20, count: 2)) }
                line.append(contentsOf: bytes[start..<ends[column]])
                if column < 5 {
                    line.append(contentsOf: repeatElement(0x20, count: max(0, columns[column] - widths[column])))
                }
                start = ends[column]
            }
            while line.count > lineStart, line.last == 0x20 { line.removeLast() }
            line.append(0x0A)
        }
    }
}

extension OccurrenceTable {
    /// The cells of an entry's line: DUE, WHEN, RULE, CONTACT, TO, CHANNEL.
    func cells(of entry: ScheduledOccurrences.Entry, into line: inout Line) {
        texts.withUnsafeBufferPointer { texts in
            func append(_ cell: Cell) {
                line.append(UnsafeBufferPointer(rebasing: texts[cell.bytes]), width: cell.width)
            }
            appendDue(entry, to: &line)
            line.next()
            if let relative = relative(entry.due - now) {
                append(relative)
            } else {
                OccurrenceJSON.withBytes(Self.relative(entry.due - now)) { line.append($0, width: $0.count) }
            }
            line.next()
            append(ruleNames[Int(entry.rule)])
            line.next()
            let isDigest = scheduled.isDigest(entry)
            if isDigest {
                OccurrenceJSON.withBytes(Self.itemCount(scheduled.bundledEntries(of: entry).count)) {
                    line.append($0, width: $0.count)
                }
            } else {
                let cell = contacts[Int(entry.contact)]
                contactTexts.withUnsafeBufferPointer {
                    line.append(UnsafeBufferPointer(rebasing: $0[cell.bytes]), width: cell.width)
                }
            }
            line.next()
            if isDigest {
                append(owners[Int(entry.event)])
            } else if entry.recipient < 0 {
                line.append("contact")
            } else {
                append((toOwner[Int(entry.rule)] ? owners : managers)[Int(entry.recipient)])
            }
            if let (owner, day) = scheduled.digest(of: entry) {
                line.append(", in digest/")
                append(ownerIDs[owner])
                line.append("/")
                if let text = scheduled.dayTexts.range(of: day) {
                    scheduled.dayTexts.bytes.withUnsafeBufferPointer {
                        line.append(UnsafeBufferPointer(rebasing: $0[text]), width: 10)
                    }
                } else {
                    OccurrenceJSON.withBytes(CivilDate(daysSinceEpoch: Int(day)).description) {
                        line.append($0, width: $0.count)
                    }
                }
            }
            line.next()
            if isDigest {
                let channel = scheduled.digestChannel(entry)
                OccurrenceJSON.withBytes(channel) { line.append($0, width: DisplayWidth.of(channel)) }
            } else {
                append(channels[Int(entry.rule)])
            }
            line.next()
        }
    }

    /// `2027-03-14 09:00 +08:00` (`UTC` for offset 0): the instant in the recipient's zone.
    private func appendDue(_ entry: ScheduledOccurrences.Entry, to line: inout Line) {
        // 16 characters of the time and ` UTC` or ` ±HH:MM`, whatever the instant.
        if line.measuring {
            return line.append(UnsafeBufferPointer(start: nil, count: 0), width: entry.offset == 0 ? 20 : 23)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 96) { buffer in
            var writer = OccurrenceJSON.Writer(base: buffer.baseAddress!)
            writer.appendTimestamp(entry.due, offset: Int(entry.offset))
            // Between the quotes: `YYYY-MM-DDTHH:MM:SS±HH:MM` (or `Z`).
            let text = UnsafeMutableBufferPointer(rebasing: buffer[1..<(writer.count - 1)])
            for index in 0..<min(16, text.count) where text[index] == UInt8(ascii: "T") { text[index] = 0x20 }
            line.append(UnsafeBufferPointer(rebasing: text[0..<min(16, text.count)]), width: min(16, text.count))
            if entry.offset == 0 {
                line.append(" UTC")
            } else {
                line.append(" ")
                line.append(UnsafeBufferPointer(rebasing: text[(text.count - 6)...]), width: 6)
            }
        }
    }

    /// `in 3 days`, `in 5 hours`, `in 20 minutes`, `now`.
    static func relative(_ seconds: Int64) -> String {
        func count(_ value: Int64, _ unit: String) -> String { "in \(value) \(unit)\(value == 1 ? "" : "s")" }
        if seconds < 60 { return "now" }
        if seconds < 3_600 { return count(seconds / 60, "minute") }
        if seconds < 86_400 { return count(seconds / 3_600, "hour") }
        return count(seconds / 86_400, "day")
    }

    /// `1 item`, `3 items`: what a digest carries (its CONTACT column, and its summary in the feed).
    static func itemCount(_ count: Int) -> String { "\(count) \(count == 1 ? "item" : "items")" }
}
