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
            bound += 6 * values + 160
        }
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var writer = Writer(base: buffer.baseAddress!)
            for index in occurrences.indices {
                // Fields read through the array: a copy of each occurrence would retain its strings.
                writer.append(index == 0 ? "[\n  {\"key\": " : ",\n  {\"key\": ")
                writer.appendQuoted(occurrences[index].key)
                writer.append(", \"rule\": ")
                writer.appendQuoted(occurrences[index].rule)
                writer.append(", \"contact\": ")
                writer.appendQuoted(occurrences[index].contact)
                writer.append(", \"to\": ")
                writer.appendQuoted(occurrences[index].to.rawValue)
                writer.append(", \"recipient\": ")
                writer.appendQuoted(occurrences[index].recipient)
                writer.append(", \"channel\": ")
                writer.appendQuoted(occurrences[index].channel)
                writer.append(", \"due\": ")
                writer.appendTimestamp(occurrences[index].due, offset: occurrences[index].offset)
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
    private struct PieceWriter: Sendable {
        let scheduled: ScheduledOccurrences
        let texts: [ScheduledOccurrences.RuleText]
        let recipients: [Rule.Recipient]
        let longestOwner: Int
        /// Whether no contact id needs an escape: then ids are copied as they are.
        let plainIDs: Bool
        /// By rule, what a line holds between its values: `", "rule": "NAME", "contact": "`, then
        /// `", "to": "TO", "recipient": `, then `, "channel": "CHANNEL", "due": ` — escaped once here.
        let betweenKeyAndContact: [[UInt8]]
        let betweenContactAndRecipient: [[UInt8]]
        let betweenRecipientAndDue: [[UInt8]]
        /// By rule, whether its keys need no escape (its name and every id are plain, and the key
        /// ends in a day): then they are copied as they are.
        let plainKeys: [Bool]

        init(scheduled: ScheduledOccurrences) {
            self.scheduled = scheduled
            texts = scheduled.ruleTexts
            recipients = scheduled.rules.map(\.recipient)
            longestOwner = scheduled.schedule.ownerList.map(\.id.utf8.count).max() ?? 0
            let plainIDs = scheduled.contactIDs.withUnsafeBufferPointer(JSONText.isPlain)
            self.plainIDs = plainIDs
            let rules = scheduled.rules
            betweenKeyAndContact = rules.map {
                Array(("\", \"rule\": " + JSONText.quoted($0.name) + ", \"contact\": \"").utf8)
            }
            betweenContactAndRecipient = rules.map {
                Array(("\", \"to\": " + JSONText.quoted($0.recipient.rawValue) + ", \"recipient\": ").utf8)
            }
            betweenRecipientAndDue = rules.map {
                Array((", \"channel\": " + JSONText.quoted($0.channel) + ", \"due\": ").utf8)
            }
            plainKeys = texts.map { text in
                plainIDs && text.endsInDay && text.name.withUnsafeBufferPointer(JSONText.isPlain)
            }
        }

        /// The text of the entries in `range`: the array's `[` before the first entry, its `]` after the last.
        func text(of range: Range<Int>) -> [UInt8] {
            let entries = scheduled.entries[range]
            // At most 6 bytes per byte of a value (`\u001f`), plus the names, punctuation and `due`; a
            // key's day or repeat number takes at most 24 bytes.
            var bound = 4
            for entry in entries {
                let rule = texts[Int(entry.rule)]
                let contact = entry.contactID.count
                let last = rule.endsInDay ? 0 : scheduled.events.event(at: Int(entry.event)).id.utf8.count
                let key = rule.name.count + contact + last + 26
                bound +=
                    6 * (key + 2 * rule.name.count + contact + max(contact, longestOwner) + rule.channel.count) + 160
            }
            return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                var writer = Writer(base: buffer.baseAddress!)
                for (index, entry) in zip(range, entries) {
                    let rule = Int(entry.rule)
                    writer.append(index == 0 ? "[\n  {\"key\": \"" : ",\n  {\"key\": \"")
                    if plainKeys[rule] {
                        scheduled.forEachKeyPart(entry) { writer.append($0) }
                    } else {
                        scheduled.forEachKeyPart(entry) { writer.appendEscaped($0) }
                    }
                    writer.append(betweenKeyAndContact[rule])
                    appendContactID(entry, to: &writer)
                    writer.append(betweenContactAndRecipient[rule])
                    if recipients[rule] == .contact {
                        writer.append(UInt8(ascii: "\""))
                        appendContactID(entry, to: &writer)
                        writer.append(UInt8(ascii: "\""))
                    } else {
                        writer.appendQuoted(
                            scheduled.schedule.audienceID(recipients[rule], for: Int(entry.contact)) ?? "")
                    }
                    writer.append(betweenRecipientAndDue[rule])
                    writer.appendTimestamp(entry.due, offset: Int(entry.offset))
                    writer.append("}")
                }
                if range.upperBound == scheduled.entries.count { writer.append("\n]\n") }
                precondition(writer.count <= bound, "the JSON bound is too small")
                count = writer.count
            }
        }

        private func appendContactID(_ entry: ScheduledOccurrences.Entry, to writer: inout Writer) {
            if plainIDs {
                scheduled.withContactID(entry) { writer.append($0) }
            } else {
                scheduled.withContactID(entry) { writer.appendEscaped($0) }
            }
        }
    }

    /// Appends bytes at a pointer into a buffer large enough for them.
    struct Writer {
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

        mutating func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { append($0) }
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

        mutating func appendQuoted(_ bytes: [UInt8]) {
            append(UInt8(ascii: "\""))
            bytes.withUnsafeBufferPointer { appendEscaped($0) }
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
