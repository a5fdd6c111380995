import TicklerCore

/// Where the core gets the files it reads: configuration, contacts and templates.
///
/// The core never touches the file system itself; the executable passes a `FileSystemReader`
/// (module TicklerFiles) and tests pass an in-memory reader.
public protocol SourceReader: Sendable {
    /// The bytes of the file at `path`, or `nil` when no such file exists.
    /// Throws `SourceReadError` when the file exists but cannot be read (permissions, a directory, too large).
    func read(_ path: String) throws(SourceReadError) -> [UInt8]?

    /// The names of the files in `directory` (not recursive), or `nil` when it does not exist.
    func list(_ directory: String) throws(SourceReadError) -> [String]?

    /// Reads the file at `path` in order, a piece of at most `pieceSize` bytes at a time, for a
    /// reader that need not hold the whole file: `body` gets each piece (its bytes valid only during
    /// the call) and returns `false` to stop. `false` when no such file exists; throws as `read` does.
    func read(
        _ path: String, pieceSize: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SourceReadError) -> Bool
}

extension SourceReader {
    /// The whole file from `read`, handed over in pieces.
    public func read(
        _ path: String, pieceSize: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SourceReadError) -> Bool {
        guard let bytes = try read(path) else { return false }
        bytes.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: max(1, pieceSize)) {
                guard body(UnsafeBufferPointer(rebasing: all[start..<min(start + pieceSize, all.count)])) else { break }
            }
        }
        return true
    }
}

/// A file that exists but cannot be read, with the reason in words (`permission denied`).
public struct SourceReadError: Error, Sendable, Hashable {
    public var reason: String
    public var note: String?

    public init(_ reason: String, note: String? = nil) {
        self.reason = reason
        self.note = note
    }
}
