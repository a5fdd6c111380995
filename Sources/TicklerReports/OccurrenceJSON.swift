import TicklerCore
import TicklerInput

/// `upcoming --format json`: the SPEC's array of `{key, rule, contact, to, recipient, channel, due}`.
///
/// Written as UTF-8 bytes straight into one buffer sized beforehand, the instants formatted in
/// place: a `String` per object and per value would cost more than everything else `upcoming`
/// does for a long listing. The escaping is `JSONText.quoted`'s.
enum OccurrenceJSON {
    static func render(_ occurrences: [Occurrence]) -> String {
        String(decoding: utf8(occurrences), as: UTF8.self)
    }

    /// The JSON text as UTF-8 bytes.
    static func utf8(_ occurrences: [Occurrence]) -> [UInt8] {
        guard !occurrences.isEmpty else { return Array("[]\n".utf8) }
        // At most 6 bytes per byte of a value (`\u001f`), plus the names, punctuation and `due`.
        var bound = 4
        for index in occurrences.indices {
            let values =
                occurrences[index].key.utf8.count + occurrences[index].rule.utf8.count
                + occurrences[index].contact.utf8.count + occurrences[index].recipient.utf8.count
                + occurrences[index].channel.utf8.count + occurrences[index].to.rawValue.utf8.count
                + digestBound(occurrences[index])
            bound += 6 * values + 180
        }
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var writer = Writer(base: buffer.baseAddress!)
            for index in occurrences.indices {
                // Fields read through the array: a copy of each occurrence would retain its strings.
                writer.append(index == 0 ? "[\n  " : ",\n  ")
                writer.appendObjectStart(occurrences[index])
                writer.append(", \"to\": ")
                writer.appendQuoted(occurrences[index].to.rawValue)
                writer.append(", \"recipient\": ")
                writer.appendQuoted(occurrences[index].recipient)
                writer.append(", \"channel\": ")
                writer.appendQuoted(occurrences[index].channel)
                writer.append(", \"due\": ")
                writer.appendTimestamp(occurrences[index].due, offset: occurrences[index].offset)
                writer.appendDigest(occurrences[index])
                writer.append("}")
            }
            writer.append("\n]\n")
            precondition(writer.count <= bound, "the JSON bound is too small")
            count = writer.count
        }
    }

    /// `"2026-11-22T09:00:00+08:00"` (quoted) as `Timestamp.format` writes it, appended to `output`.
    static func appendTimestamp(_ instant: Int64, offset: Int, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 64))
        let written = output.withUnsafeMutableBufferPointer { buffer in
            var writer = Writer(base: buffer.baseAddress! + start)
            writer.appendTimestamp(instant, offset: offset)
            return writer.count
        }
        output.removeSubrange((start + written)...)
    }

    /// The JSON text of scheduled occurrences, written from their entries: the same bytes as
    /// `utf8(scheduled.occurrences)` without making an `Occurrence` (or a key) per line.
    static func utf8(_ scheduled: ScheduledOccurrences) -> [UInt8] {
        var text: [UInt8] = []
        write(scheduled) { text.append(contentsOf: $0) }
        return text
    }

    /// Writes the JSON text of scheduled occurrences to `output` in pieces of `entriesPerPiece`
    /// entries, formatted on every core and handed over in order as each is ready, so the first
    /// piece is written while later ones are formatted and the whole text is never held at once.
    static func write(
        _ scheduled: ScheduledOccurrences, entriesPerPiece: Int = 4096, to output: ([UInt8]) -> Void
    ) {
        guard !scheduled.isEmpty else { return output(Array("[]\n".utf8)) }
        let (count, size) = (scheduled.entries.count, max(1, entriesPerPiece))
        let pieces = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        let pieceWriter = PieceWriter(scheduled: scheduled)
        ParallelMap.stream(pieces, { pieceWriter.text(of: $0) }, inOrder: output)
    }

    /// Formats a run of a listing's entries: what each piece needs from the whole, found once.
    ///
    /// A line is mostly bytes known beforehand (by rule) and bytes already written once (the contact
    /// ids, the days of the keys): it is copied together from them through pointers taken once per
    /// piece, so that no line retains or releases anything.
    private struct PieceWriter: Sendable {
        let scheduled: ScheduledOccurrences
        /// Whether no contact id needs an escape: then ids are copied as they are.
        let plainIDs: Bool
        /// The texts of every rule's `Layout`, one after another.
        let fixed: [UInt8]
        let layouts: [Layout]
        /// Each owner's id (by index in `schedule.ownerList`), escaped, in `fixed`.
        let ownerIDs: [Range<Int>]

        /// What a line of a rule's entry holds besides its values, as ranges in `fixed`, escaped
        /// once here.
        struct Layout {
            /// `NAME/`, the start of a key that needs no escape.
            var keyPrefix: Range<Int>
            /// `", "rule": "NAME", "contact": "`
            var betweenKeyAndContact: Range<Int>
            /// `", "to": "TO", "recipient": `
            var betweenContactAndRecipient: Range<Int>
            /// `, "channel": "CHANNEL", "due": `
            var betweenRecipientAndDue: Range<Int>
            /// Whether its keys need no escape (its name and every id are plain, and the key ends in
            /// a day): then they are copied as they are.
            var plainKey: Bool
            var endsInDay: Bool
            var recipientIsContact: Bool
            /// Whether its entries may go into a digest (`digest: true`), and so carry `"digest"`.
            var mayDigest: Bool
            /// Bytes a line may take besides its contact id and, for `after` rules, the event id.
            var bound: Int
        }

        init(scheduled: ScheduledOccurrences) {
            self.scheduled = scheduled
            let longestOwner = scheduled.schedule.ownerList.map(\.id.utf8.count).max() ?? 0
            let plainIDs = scheduled.contactIDs.withUnsafeBufferPointer(JSONText.isPlain)
            self.plainIDs = plainIDs
            var texts: [UInt8] = []
            func add(_ text: String) -> Range<Int> {
                let start = texts.count
                texts.append(contentsOf: text.utf8)
                return start..<texts.count
            }
            layouts = zip(scheduled.rules, scheduled.ruleTexts).map { rule, text in
                // At most 6 bytes per byte of a value (`\u001f`), plus the names, punctuation and
                // `due`; a key's day or repeat number takes at most 24 bytes.
                let key = text.name.count + 26
                return Layout(
                    keyPrefix: add(rule.name + "/"),
                    betweenKeyAndContact: add("\", \"rule\": " + JSONText.quoted(rule.name) + ", \"contact\": \""),
                    betweenContactAndRecipient: add(
                        "\", \"to\": " + JSONText.quoted(rule.recipient.rawValue) + ", \"recipient\": "),
                    betweenRecipientAndDue: add(", \"channel\": " + JSONText.quoted(rule.channel) + ", \"due\": "),
                    plainKey: plainIDs && text.endsInDay && text.name.withUnsafeBufferPointer(JSONText.isPlain),
                    endsInDay: text.endsInDay, recipientIsContact: rule.recipient == .contact,
                    mayDigest: scheduled.schedule.hasDigests && rule.digest,
                    bound: 6 * (key + 2 * text.name.count + 2 * longestOwner + text.channel.count) + 200)
            }
            ownerIDs = scheduled.schedule.ownerList.map { owner in
                let start = texts.count
                OccurrenceJSON.withBytes(owner.id) { JSONText.escape($0) { texts.append(contentsOf: $0) } }
                return start..<texts.count
            }
            fixed = texts
        }

        /// The text of the entries in `range`: the array's `[` before the first entry, its `]` after the last.
        func text(of range: Range<Int>) -> [UInt8] {
            scheduled.entries.withUnsafeBufferPointer { entries in
                scheduled.contactIDs.withUnsafeBufferPointer { ids in
                    scheduled.dayTexts.bytes.withUnsafeBufferPointer { days in
                        fixed.withUnsafeBufferPointer { fixed in
                            layouts.withUnsafeBufferPointer { layouts in
                                text(
                                    of: UnsafeBufferPointer(rebasing: entries[range]), first: range.lowerBound,
                                    ids: ids, days: days, fixed: fixed, layouts: layouts)
                            }
                        }
                    }
                }
            }
        }

        private func text(
            of entries: UnsafeBufferPointer<ScheduledOccurrences.Entry>, first: Int, ids: UnsafeBufferPointer<UInt8>,
            days: UnsafeBufferPointer<UInt8>, fixed: UnsafeBufferPointer<UInt8>, layouts: UnsafeBufferPointer<Layout>
        ) -> [UInt8] {
            var bound = 4
            // A digest's line lists its items' keys, written from their entries.
            for entry in entries where scheduled.isDigest(entry) {
                bound += 6 * (entry.contactID.count + 2 * scheduled.digestChannel(entry).utf8.count) + 400
                for item in scheduled.bundledEntries(of: entry) {
                    let rule = scheduled.ruleTexts[Int(item.rule)]
                    let event = rule.endsInDay ? 0 : scheduled.events.event(at: Int(item.event)).id.utf8.count + 24
                    bound += 6 * (rule.name.count + item.contactID.count + event + 12) + 4
                }
            }
            for entry in entries {
                if scheduled.isDigest(entry) { continue }
                let layout = layouts[Int(entry.rule)]
                let contact = entry.contactID.count
                let event = layout.endsInDay ? 0 : scheduled.events.event(at: Int(entry.event)).id.utf8.count
                bound += layout.bound + 6 * (4 * contact + 2 * event)
            }
            return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                var writer = Writer(base: buffer.baseAddress!)
                // The last instant written, and where: a listing has runs of lines due at one instant.
                var last = (due: Int64.min, offset: Int32.min, at: 0..<0)
                for (position, entry) in entries.enumerated() {
                    if scheduled.isDigest(entry) {
                        writer.append(first + position == 0 ? "[\n  {\"key\": \"" : ",\n  {\"key\": \"")
                        scheduled.forEachKeyPart(entry) { writer.appendEscaped($0) }
                        writer.append(
                            "\", \"rule\": \"digest\", \"contact\": null, \"to\": \"owner\", \"recipient\": \"")
                        writer.appendEscaped(
                            UnsafeBufferPointer(
                                rebasing: ids[Int(entry.contactID.lowerBound)..<Int(entry.contactID.upperBound)]))
                        writer.append("\", \"channel\": ")
                        writer.appendQuoted(scheduled.digestChannel(entry))
                        writer.append(", \"due\": ")
                        writer.appendTimestamp(entry.due, offset: Int(entry.offset))
                        writer.append(", \"items\": [")
                        for (index, item) in scheduled.bundledEntries(of: entry).enumerated() {
                            writer.append(index == 0 ? "\"" : ", \"")
                            appendKey(item, layouts[Int(item.rule)], ids: ids, days: days, fixed: fixed, to: &writer)
                            writer.append(UInt8(ascii: "\""))
                        }
                        writer.append("]}")
                        continue
                    }
                    let layout = layouts[Int(entry.rule)]
                    let id = UnsafeBufferPointer(
                        rebasing: ids[Int(entry.contactID.lowerBound)..<Int(entry.contactID.upperBound)])
                    writer.append(first + position == 0 ? "[\n  {\"key\": \"" : ",\n  {\"key\": \"")
                    appendKey(entry, layout, ids: ids, days: days, fixed: fixed, to: &writer)
                    writer.append(UnsafeBufferPointer(rebasing: fixed[layout.betweenKeyAndContact]))
                    appendContactID(id, to: &writer)
                    writer.append(UnsafeBufferPointer(rebasing: fixed[layout.betweenContactAndRecipient]))
                    writer.append(UInt8(ascii: "\""))
                    if layout.recipientIsContact {
                        appendContactID(id, to: &writer)
                    } else if entry.recipient >= 0 {
                        writer.append(UnsafeBufferPointer(rebasing: fixed[ownerIDs[Int(entry.recipient)]]))
                    }
                    writer.append(UInt8(ascii: "\""))
                    writer.append(UnsafeBufferPointer(rebasing: fixed[layout.betweenRecipientAndDue]))
                    if entry.due == last.due, entry.offset == last.offset {
                        writer.append(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[last.at]))
                    } else {
                        let start = writer.count
                        writer.appendTimestamp(entry.due, offset: Int(entry.offset))
                        last = (entry.due, entry.offset, start..<writer.count)
                    }
                    if layout.mayDigest, let (owner, day) = scheduled.digest(of: entry) {
                        writer.append(", \"digest\": \"digest/")
                        writer.append(UnsafeBufferPointer(rebasing: fixed[ownerIDs[owner]]))
                        writer.append(UInt8(ascii: "/"))
                        if let text = scheduled.dayTexts.range(of: day) {
                            writer.append(UnsafeBufferPointer(rebasing: days[text]))
                        } else {
                            OccurrenceJSON.withBytes(CivilDate(daysSinceEpoch: Int(day)).description) {
                                writer.append($0)
                            }
                        }
                        writer.append(UInt8(ascii: "\""))
                    }
                    writer.append("}")
                }
                if first + entries.count == scheduled.entries.count { writer.append("\n]\n") }
                precondition(writer.count <= bound, "the JSON bound is too small")
                count = writer.count
            }
        }

        /// The entry's key, escaped: copied together from its parts when it needs no escape.
        @inline(__always)
        private func appendKey(
            _ entry: ScheduledOccurrences.Entry, _ layout: Layout, ids: UnsafeBufferPointer<UInt8>,
            days: UnsafeBufferPointer<UInt8>, fixed: UnsafeBufferPointer<UInt8>, to writer: inout Writer
        ) {
            if layout.plainKey, let day = scheduled.dayTexts.range(of: entry.day) {
                writer.append(UnsafeBufferPointer(rebasing: fixed[layout.keyPrefix]))
                writer.append(
                    UnsafeBufferPointer(
                        rebasing: ids[Int(entry.contactID.lowerBound)..<Int(entry.contactID.upperBound)]))
                writer.append(UInt8(ascii: "/"))
                writer.append(UnsafeBufferPointer(rebasing: days[day]))
            } else {
                scheduled.forEachKeyPart(entry) { writer.appendEscaped($0) }
            }
        }

        private func appendContactID(_ id: UnsafeBufferPointer<UInt8>, to writer: inout Writer) {
            if plainIDs { writer.append(id) } else { writer.appendEscaped(id) }
        }
    }

    /// The bytes a digest's `items` or an item's `digest` take, before escaping.
    static func digestBound(_ occurrence: Occurrence) -> Int {
        var count = (occurrence.digest?.utf8.count ?? 0) + 16
        if case .digest(let items) = occurrence.detail {
            for item in items { count += item.key.utf8.count + 4 }
        }
        return count
    }

    /// The UTF-8 bytes of `text`, without copying a native string (for the JSON and the table).
    static func withBytes(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8(body)
    }

    /// Appends bytes at a pointer into a buffer large enough for them.
    struct Writer {
        /// `{"key": KEY, "rule": RULE, "contact": CONTACT` (`null` for a digest, which is about no
        /// one contact).
        mutating func appendObjectStart(_ occurrence: Occurrence) {
            append("{\"key\": ")
            appendQuoted(occurrence.key)
            append(", \"rule\": ")
            appendQuoted(occurrence.rule)
            append(", \"contact\": ")
            if case .digest = occurrence.detail { append("null") } else { appendQuoted(occurrence.contact) }
        }

        /// `, "items": [KEYS]` for a digest, `, "digest": KEY` for an occurrence one carries.
        mutating func appendDigest(_ occurrence: Occurrence) {
            if let digest = occurrence.digest {
                append(", \"digest\": ")
                appendQuoted(digest)
            }
            guard case .digest(let items) = occurrence.detail else { return }
            append(", \"items\": [")
            for (index, item) in items.enumerated() {
                if index > 0 { append(", ") }
                appendQuoted(item.key)
            }
            append("]")
        }

        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func append(_ byte: UInt8) {
            base[count] = byte
            count += 1
        }

        mutating func append(_ text: StaticString) {
            (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            count += text.utf8CodeUnitCount
        }

        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        /// `text` in double quotes, escaped as `JSONText.quoted` escapes it.
        mutating func appendQuoted(_ text: String) {
            append(UInt8(ascii: "\""))
            if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
                Array(text.utf8).withUnsafeBufferPointer { appendEscaped($0) }
            }
            append(UInt8(ascii: "\""))
        }

        /// `bytes` (valid UTF-8) escaped as `JSONText.quoted` escapes them, without the quotes.
        mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
            JSONText.escape(bytes) { append($0) }
        }

        mutating func appendTimestamp(_ instant: Int64, offset: Int) {
            let local = instant + Int64(offset)
            let days = Int(local.floorDiv(86_400))
            let seconds = Int(local - Int64(days) * 86_400)
            let (year, month, day) = Timestamp.civilFromDays(days)
            guard (0...9999).contains(year), abs(offset) < 100 * 3600 else {
                appendQuoted(Timestamp.format(instant, offset: offset))
                return
            }
            append(UInt8(ascii: "\""))
            digits(year, 4)
            append(UInt8(ascii: "-"))
            digits(month, 2)
            append(UInt8(ascii: "-"))
            digits(day, 2)
            append(UInt8(ascii: "T"))
            digits(seconds / 3600, 2)
            append(UInt8(ascii: ":"))
            digits(seconds / 60 % 60, 2)
            append(UInt8(ascii: ":"))
            digits(seconds % 60, 2)
            if offset == 0 {
                append(UInt8(ascii: "Z"))
            } else {
                let magnitude = abs(offset)
                append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                digits(magnitude / 3600, 2)
                append(UInt8(ascii: ":"))
                digits(magnitude / 60 % 60, 2)
            }
            append(UInt8(ascii: "\""))
        }

        private mutating func digits(_ value: Int, _ width: Int) {
            var divisor = width == 4 ? 1000 : 10
            while divisor > 0 {
                append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
    }
}

extension ScheduledOccurrences {
    /// `upcoming --format json`: the SPEC's array, written straight from the entries in pieces,
    /// formatted on every core and handed to `output` in order.
    public func writeJSON(to output: ([UInt8]) -> Void) { OccurrenceJSON.write(self, to: output) }
}
