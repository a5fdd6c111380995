import Dispatch
import Foundation
import Synchronization
import TicklerCore

extension CSVContactsReader {
    /// Reads a CSV contacts file for its ids alone, fed to it a piece at a time (`feed`), without
    /// holding the file or making a `Contact` of a row: what recording events needs of a million
    /// contacts. Every row is checked as `read` checks it — a plain row by `PlainRows.id`, any other
    /// by `ContactBuilder` — but nothing is reported: `finish` returns `nil` when `read` would
    /// report an error (or might: invalid UTF-8, a second byte-order mark), and the caller then reads
    /// the file with `read`, which says what is wrong.
    ///
    /// The bytes are cut into blocks of whole rows as they come (a row ends at a line break outside
    /// double quotes, found by counting the quotes before it), and the blocks are read on every core,
    /// at most one more than there are cores at a time. A syntax error can make a later cut fall
    /// inside a row, but the block that holds the first error starts at a row start, so its reader
    /// sees that error, and the file is reported as having one.
    struct IDReader {
        let path: String
        let context: ContactsContext
        /// How many bytes a block holds, at least (the rest of the row that crosses the mark is added).
        let blockBytes: Int

        private var pending: [UInt8] = []
        /// How far `pending` has been searched for row ends, whether that point is inside quotes,
        /// and where the last row end found is (0: none yet).
        private var searched = 0
        private var inQuotes = false
        private var lastRowEnd = 0
        private var atFileStart = true
        private var failed = false
        private var header: (columns: [ContactField?], builder: ContactBuilder)?
        private let lanes: Lanes

        init(path: String, context: ContactsContext, blockBytes: Int = 4 << 20) {
            self.path = path
            self.context = context
            self.blockBytes = blockBytes
            lanes = Lanes(count: ProcessInfo.processInfo.activeProcessorCount)
            pending.reserveCapacity(blockBytes + (1 << 20))
        }

        /// The ids, and the names of the custom fields and dates that some contact has (the names
        /// templates may use), of a file without a problem.
        struct Contents {
            var ids: [ContactIDs.Part]
            var fields: Set<String>
            var dates: Set<String>
        }

        /// Takes the next bytes of the file; `false` once the file is known to have a problem (the
        /// rest need not be read).
        mutating func feed(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !failed, !lanes.hasFailed else { return false }
            pending.append(contentsOf: piece)
            findRowEnds()
            if pending.count >= blockBytes, lastRowEnd > 0 {
                var rest = Array(pending[lastRowEnd...])
                rest.reserveCapacity(blockBytes + (1 << 20))
                pending.removeSubrange(lastRowEnd...)
                swap(&pending, &rest)
                submit(rest)
                searched -= lastRowEnd
                lastRowEnd = 0
            }
            return !failed
        }

        /// The ids of the file once every piece was fed, or `nil` when it has a problem.
        mutating func finish() -> Contents? {
            if !failed, !pending.isEmpty { submit(pending) }
            pending = []
            let parts = lanes.finish()
            guard !failed, let parts = parts else { return nil }
            var result = Contents(ids: [], fields: [], dates: [])
            guard let columns = header?.columns else { return result }  // no rows at all
            var filled = Array(repeating: false, count: columns.count)
            for part in parts {
                result.ids.append(part.ids)
                result.fields.formUnion(part.fields)
                result.dates.formUnion(part.dates)
                for column in filled.indices where part.filled[column] { filled[column] = true }
            }
            for (column, field) in columns.enumerated() where filled[column] {
                switch field {
                case .custom(let name)?: result.fields.insert(name)
                case .date(let name)?: result.dates.insert(name)
                default: break
                }
            }
            return result
        }

        /// Moves `lastRowEnd` to the last row end in `pending` that is certain: a line feed, or a
        /// carriage return with something other than a line feed after it, outside quotes.
        private mutating func findRowEnds() {
            pending.withUnsafeBufferPointer { bytes in
                let n = bytes.count
                var index = searched
                while true {
                    index = CSVChunks.nextQuoteOrLineBreak(in: bytes, from: index)
                    guard index < n else { break }
                    let byte = bytes[index]
                    if byte == quote {
                        inQuotes.toggle()
                    } else if !inQuotes {
                        if byte == cr {
                            guard index + 1 < n else { break }  // a line feed may come next
                            if bytes[index + 1] != lf { lastRowEnd = index + 1 }
                        } else {
                            lastRowEnd = index + 1
                        }
                    }
                    index += 1
                }
                searched = index
            }
        }

        /// Hands a block of whole rows to the lanes; the first one's header is read here first.
        private mutating func submit(_ block: [UInt8]) {
            var start = 0
            if atFileStart {
                atFileStart = false
                block.withUnsafeBufferPointer { bytes in
                    if Self.startsWithByteOrderMark(bytes) { start = 3 }
                    // A second one: `read` (through `SourceText`) tells what it makes of it.
                    if Self.startsWithByteOrderMark(UnsafeBufferPointer(rebasing: bytes[start...])) { failed = true }
                }
                if failed { return }
            }
            if header == nil {
                var builder = makeBuilder(path: path, context: context)
                let (row, end, clean) = block.withUnsafeBufferPointer { all in
                    let bytes = UnsafeBufferPointer(rebasing: all[start...])
                    var scanner = CSVReader.Scanner(bytes: bytes, path: path)
                    var headerRow: CSVReader.Row?
                    scanner.run { row in
                        headerRow = row
                        return false
                    }
                    let clean =
                        scanner.diagnostics.all.isEmpty
                        && ContactsParser.isUTF8TextSlice(UnsafeBufferPointer(rebasing: bytes[..<scanner.i]))
                    return (headerRow, start + scanner.i, clean)
                }
                guard let row else {
                    // Blank lines only (the header may come in a later block), or a broken row.
                    if !clean { failed = true }
                    return
                }
                let columns = CSVContactsReader.header(row, path: path, builder: &builder)
                // Warnings (a column kept as a custom field) are no problem; the blocks' builders
                // start without them.
                guard clean, !builder.takeDiagnostics().hasErrors, columns.contains(.id) else {
                    failed = true
                    return
                }
                header = (columns, builder)
                start = end
            }
            guard let (columns, builder) = header, start < block.count else { return }
            let (file, context, from) = (path, context, start)
            lanes.submit {
                Self.read(block, from: from, columns: columns, path: file, context: context, builder: builder)
            }
        }

        /// What the rows of a block hold.
        struct Block: Sendable {
            var ids = ContactIDs.Part()
            /// By column: whether a plain row had a value there.
            var filled: [Bool]
            /// The custom fields and dates of the rows `ContactBuilder` read.
            var fields = Set<String>()
            var dates = Set<String>()
        }

        /// Reads the rows of `block` from `start` (a row start); `nil` when one has a problem.
        private static func read(
            _ block: [UInt8], from start: Int, columns: [ContactField?], path: String, context: ContactsContext,
            builder: ContactBuilder
        ) -> Block? {
            block.withUnsafeBufferPointer { all -> Block? in
                let bytes = UnsafeBufferPointer(rebasing: all[start...])
                guard ContactsParser.isUTF8TextSlice(bytes) else { return nil }
                var builder = builder
                var part = Block(filled: Array(repeating: false, count: columns.count))
                var plainRows = PlainRows(columns: columns, path: path, owners: context.owners, zones: context.zones)
                var scanner = CSVReader.Scanner(bytes: bytes, path: path)
                scanner.run(
                    plain: { cells, _, controlCells in
                        guard let id = plainRows.id(cells, in: bytes, controlCells: controlCells, filled: &part.filled)
                        else { return false }
                        part.ids.append(UnsafeBufferPointer(rebasing: bytes[id]))
                        return true
                    },
                    { row in
                        if let contact = contact(row, columns: columns, path: path, builder: &builder) {
                            part.ids.append(contact.id)
                            part.fields.formUnion(contact.fields.keys)
                            part.dates.formUnion(contact.dates.keys)
                            plainRows.learn(row, contact)
                        }
                        return true
                    })
                // Rows give errors only (warnings are about the header).
                guard scanner.diagnostics.all.isEmpty, builder.takeDiagnostics().all.isEmpty else { return nil }
                return part
            }
        }

        private static func startsWithByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        }
    }

    /// Serial queues, one per core, that blocks are handed to in turn; `submit` waits while as many
    /// blocks as there are lanes, and one more, are being read, so that the file is never held whole.
    final class Lanes: Sendable {
        private let queues: [DispatchQueue]
        private let group = DispatchGroup()
        private let room: DispatchSemaphore
        private let parts = Mutex<(next: Int, done: [Int: IDReader.Block?], failed: Bool)>((0, [:], false))

        init(count: Int) {
            queues = (0..<max(1, count)).map { DispatchQueue(label: "tickler.contact-ids.\($0)") }
            room = DispatchSemaphore(value: max(1, count) + 1)
        }

        func submit(_ work: @escaping @Sendable () -> IDReader.Block?) {
            room.wait()
            let index = parts.withLock { state in
                defer { state.next += 1 }
                return state.next
            }
            queues[index % queues.count].async(group: group) { [self] in
                let part = work()
                parts.withLock { state in
                    state.done[index] = part
                    if part == nil { state.failed = true }
                }
                room.signal()
            }
        }

        /// Whether a block read so far had a problem (then the rest of the file need not be read).
        var hasFailed: Bool { parts.withLock { $0.failed } }

        /// Waits for every block; what they hold in order, or `nil` when one had a problem.
        func finish() -> [IDReader.Block]? {
            group.wait()
            return parts.withLock { state in
                var result: [IDReader.Block] = []
                for index in 0..<state.next {
                    guard case .some(.some(let part)) = state.done[index] else { return nil }
                    result.append(part)
                }
                return result
            }
        }
    }
}

private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
