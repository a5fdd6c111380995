import NIOCore
import PostgresNIO

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format: columns separated by tabs, rows by
/// newlines, `\N` for NULL, and backslash, tab, newline and carriage return escaped — so any text,
/// Chinese names and notes with line breaks included, arrives byte for byte.
///
///     var rows = CopyRows()
///     rows.append("acme-zhang"); rows.append(1_805_000_000 as Int64); rows.endRow()
///     try await rows.copy(into: "first_seen", columns: ["contact", "at"], on: connection, logger: logger)
struct CopyRows {
    private(set) var chunks: [ByteBuffer] = []
    private var current = ByteBuffer()
    private var startsRow = true
    private(set) var count = 0

    /// A chunk is sent once it holds this many bytes.
    private static let chunkSize = 1 << 20

    init() {
        current.reserveCapacity(Self.chunkSize + 4_096)
    }

    mutating func append(_ value: String?) {
        separate()
        guard var text = value else {
            current.writeStaticString("\\N")
            return
        }
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
                default: continue
                }
                current.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                current.writeInteger(UInt8(ascii: "\\"))
                current.writeInteger(escape)
                start = index + 1
            }
            current.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    mutating func append(_ number: Int64?) {
        separate()
        guard let number else {
            current.writeStaticString("\\N")
            return
        }
        current.writeString(String(number))
    }

    mutating func endRow() {
        current.writeInteger(UInt8(ascii: "\n"))
        startsRow = true
        count += 1
        if current.readableBytes >= Self.chunkSize {
            chunks.append(current)
            current = ByteBuffer()
            current.reserveCapacity(Self.chunkSize + 4_096)
        }
    }

    private mutating func separate() {
        if !startsRow { current.writeInteger(UInt8(ascii: "\t")) }
        startsRow = false
    }

    /// Sends the rows to `table`'s `columns` (names written by this module, never from input).
    func copy(
        into table: String, columns: [String], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard count > 0 else { return }
        let last = current
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            for chunk in chunks { try await writer.write(chunk) }
            if last.readableBytes > 0 { try await writer.write(last) }
        }
    }
}
