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
