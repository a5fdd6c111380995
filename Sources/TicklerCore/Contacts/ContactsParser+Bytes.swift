import Foundation

extension ContactsParser {
    /// Whether `path` names a CSV file (the format `parse` chooses by the extension).
    static func isCSV(_ path: String) -> Bool {
        fileExtension(of: path)?.lowercased() == "csv"
    }

    /// The contacts of a CSV file read straight from its bytes, exactly as `parse` reads the
    /// `SourceText` that `SourceText.decode` makes of them — without copying a large file into a
    /// `String` first. `nil` when the bytes are not UTF-8 text (invalid UTF-8, a NUL byte) or start
    /// with a second byte-order mark: the caller then takes the `SourceText` way, which reports it.
    static func parseCSV(_ bytes: [UInt8], path: String, context: ContactsContext) -> (
        contacts: [Contact], diagnostics: Diagnostics
    )? {
        bytes.withUnsafeBufferPointer { all -> (contacts: [Contact], diagnostics: Diagnostics)? in
            let body = startsWithByteOrderMark(all) ? UnsafeBufferPointer(rebasing: all[3...]) : all
            guard !startsWithByteOrderMark(body), isUTF8Text(body) else { return nil }
            let (contacts, csvDiagnostics) = CSVContactsReader.read(body, path: path, context: context)
            let (unique, duplicates) = merge([contacts])
            var diagnostics = csvDiagnostics
            diagnostics.append(contentsOf: duplicates)
            return (unique, diagnostics)
        }
    }

    private static func startsWithByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Whether the bytes are valid UTF-8 without a NUL byte, checked in slices on every core (each
    /// slice starts at the start of a scalar, so the whole is valid when every slice is).
    static func isUTF8Text(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let parts = max(1, min(bytes.count >> 22, 4 * ProcessInfo.processInfo.activeProcessorCount))
        var starts = [0]
        for part in 1..<max(parts, 1) {
            var start = max(bytes.count * part / parts, starts.last!)
            while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
            starts.append(start)
        }
        starts.append(bytes.count)
        let slices = (0..<parts).map { starts[$0]..<starts[$0 + 1] }
        let shared = CSVChunks.Bytes(buffer: bytes)
        return ParallelMap.run(slices) { range in
            let slice = UnsafeBufferPointer(rebasing: shared.buffer[range])
            guard let base = slice.baseAddress, !slice.isEmpty else { return true }
            return memchr(base, 0, slice.count) == nil && (try? UTF8Span(validating: slice.span)) != nil
        }.allSatisfy { $0 }
    }
}
