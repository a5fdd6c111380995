import Foundation
import TicklerCore

extension CSVContactsReader {
    /// Reads the rows after the header in chunks on every core, straight into the result's storage:
    /// each chunk fills its own region (sized by its line count), then the regions are moved together.
    /// `nil` when the file has a syntax error anywhere, or no usable header: the caller then reads
    /// it in one piece, which reports every problem in order.
    static func readInChunks(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, context: ContactsContext, chunkBytes: Int,
        usesPlainRows: Bool
    ) -> (contacts: [Contact], diagnostics: Diagnostics)? {
        var builder = makeBuilder(path: path, context: context)
        var scanner = CSVReader.Scanner(bytes: bytes, path: path)
        var headerRow: CSVReader.Row?
        scanner.run { row in
            headerRow = row
            return false
        }
        guard scanner.diagnostics.all.isEmpty, let headerRow else { return nil }
        let columns = header(headerRow, path: path, builder: &builder)
        guard columns.contains(.id) else { return nil }
        var diagnostics = builder.takeDiagnostics()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = min(max(1, (bytes.count - scanner.i) / chunkBytes), 4 * cores)
        let chunks = CSVChunks.split(bytes, from: scanner.i, line: scanner.line, count: count)
        // Where each chunk's contacts start in the result. A chunk ends at a row start, after a line
        // break, so it holds at most as many rows as it has line breaks; the last one may end
        // without one and hold one row more. Regions that fit their rows exactly (no blank lines,
        // no line breaks in quotes) need no moving together afterwards.
        let capacities = chunks.indices.map { chunks[$0].lineBreaks + ($0 == chunks.count - 1 ? 1 : 0) }
        let bounds = capacities.reduce(into: [0]) { $0.append($0.last! + $1) }
        let (regions, capacity) = (Array(bounds.dropLast()), bounds.last!)
        let shared = CSVChunks.Bytes(buffer: bytes)
        let template = builder
        var isClean = true
        let contacts = [Contact](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let destination = Destination(base: buffer.baseAddress!)
            let parts = ParallelMap.run(Array(chunks.indices)) { index in
                let chunk = chunks[index]
                // Its own copy of the path: locations retain it, and cores sharing one
                // reference count slow each other down.
                let path = String(decoding: Array(path.utf8), as: UTF8.self)
                var builder = template
                let bytes = UnsafeBufferPointer(rebasing: shared.buffer[chunk.range])
                var scanner = CSVReader.Scanner(bytes: bytes, path: path, line: chunk.line)
                let region = destination.base + regions[index]
                var count = 0
                var plainRows = PlainRows(
                    columns: columns, path: path, owners: context.owners, zones: context.zones,
                    textBytes: chunk.range.count)
                func add(_ contact: consuming Contact) {
                    precondition(count < capacities[index], "a chunk has more rows than lines")
                    (region + count).initialize(to: contact)
                    count += 1
                }
                scanner.run(
                    plain: { cells, line, controlCells in
                        precondition(count < capacities[index], "a chunk has more rows than lines")
                        guard usesPlainRows,
                            plainRows.contact(
                                cells, in: bytes, line: line, controlCells: controlCells, into: region + count)
                        else { return false }
                        count += 1
                        return true
                    },
                    { row in
                        if let contact = contact(row, columns: columns, path: path, builder: &builder) {
                            plainRows.learn(row, contact)
                            add(contact)
                        }
                        return true
                    })
                plainRows.adoptText(UnsafeMutableBufferPointer(start: region, count: count))
                return (count, scanner.diagnostics.all.isEmpty, builder.takeDiagnostics())
            }
            isClean = parts.allSatisfy(\.1)
            var total = 0
            for (index, part) in parts.enumerated() {
                let region = buffer.baseAddress! + regions[index]
                if !isClean {
                    region.deinitialize(count: part.0)
                    continue
                }
                if regions[index] != total { (buffer.baseAddress! + total).moveInitialize(from: region, count: part.0) }
                total += part.0
                diagnostics.append(contentsOf: part.2)
            }
            initialized = total
        }
        return isClean ? (contacts, diagnostics) : nil
    }

    /// The result's storage, written by the chunks' tasks, each in its own region.
    private struct Destination: @unchecked Sendable {
        let base: UnsafeMutablePointer<Contact>
    }
}
