import Foundation
import TicklerCore

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
    /// byte); any other byte is checked where it is: a NUL is refused, a sequence must be well
    /// formed (`sequenceLength`).
    static func isUTF8TextSlice(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if ByteScan.nonASCIIBytes(of: word) | ByteScan.bytes(of: word, below: 1) == 0 {
                    index += 8
                    continue
                }
            }
            if base[index] < 0x80 {
                guard base[index] != 0 else { return false }
                index += 1
                continue
            }
            guard let length = sequenceLength(base, at: index, count: count) else { return false }
            index += length
        }
        return true
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `index` (the Unicode
    /// Standard's table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or `nil`.
    @inline(__always)
    static func sequenceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int? {
        let length: Int
        let second: ClosedRange<UInt8>
        switch base[index] {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard index + length <= count, second.contains(base[index + 1]) else { return nil }
        for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}
