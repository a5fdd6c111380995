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
            isUTF8TextSlice(UnsafeBufferPointer(rebasing: shared.buffer[range]))
        }.allSatisfy { $0 }
    }

    /// Whether `bytes`, which start at the start of a scalar, are valid UTF-8 without a NUL byte.
    /// Runs of ASCII are passed over eight bytes at a time (a word without a high bit or a zero
    /// byte); each stretch from a word that has one up to the next word of plain ASCII is checked
    /// by `UTF8Span` (it ends before an ASCII byte, so at the end of a scalar when it is valid).
    static func isUTF8TextSlice(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        func isPlainASCII(_ index: Int) -> Bool {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            return ByteScan.nonASCIIBytes(of: word) | ByteScan.bytes(of: word, below: 1) == 0
        }
        var index = 0
        while index < count {
            while index + 8 <= count, isPlainASCII(index) { index += 8 }
            var end = min(index + 8, count)
            while end + 8 <= count, !isPlainASCII(end) { end += 8 }
            if end + 8 > count { end = count }
            let stretch = UnsafeBufferPointer(rebasing: bytes[index..<end])
            guard memchr(stretch.baseAddress!, 0, stretch.count) == nil,
                (try? UTF8Span(validating: stretch.span)) != nil
            else { return false }
            index = end
        }
        return true
    }
}
