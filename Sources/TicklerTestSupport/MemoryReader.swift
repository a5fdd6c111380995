import TicklerCore
import TicklerInput

/// A `SourceReader` over files held in memory, for tests that need no disk.
///
/// Directories are implied by the file paths: with a file `etc/tickler.yaml`, `etc` is a directory
/// (`read` throws "is a directory") and `list("etc")` returns `["tickler.yaml"]`. Paths are compared after
/// `Paths.normalize`, so `etc/./a.csv` and `etc/a.csv` name the same file. `failures` makes a path fail
/// to read, as an unreadable file would.
public struct MemoryReader: SourceReader {
    /// File contents by normalized path.
    public var files: [String: [UInt8]]
    /// Paths whose `read` or `list` throws the given error (`SourceReadError("permission denied")`).
    public var failures: [String: SourceReadError]

    /// A reader over `files` (path → bytes).
    public init(files: [String: [UInt8]] = [:], failures: [String: SourceReadError] = [:]) {
        self.files = [:]
        self.failures = [:]
        for (path, bytes) in files { self.files[Paths.normalize(path)] = bytes }
        for (path, error) in failures { self.failures[Paths.normalize(path)] = error }
    }

    /// A reader over `files` (path → UTF-8 text).
    public init(_ files: [String: String]) {
        self.init(files: files.mapValues { Array($0.utf8) })
    }

    /// Adds or replaces the file at `path`.
    public subscript(path: String) -> String? {
        get { files[Paths.normalize(path)].map { String(decoding: $0, as: UTF8.self) } }
        set { files[Paths.normalize(path)] = newValue.map { Array($0.utf8) } }
    }

    public func read(_ path: String) throws(SourceReadError) -> [UInt8]? {
        let path = Paths.normalize(path)
        if let failure = failures[path] { throw failure }
        if let bytes = files[path] { return bytes }
        if children(of: path) != nil { throw SourceReadError("is a directory") }
        return nil
    }

    public func list(_ directory: String) throws(SourceReadError) -> [String]? {
        let directory = Paths.normalize(directory)
        if let failure = failures[directory] { throw failure }
        if files[directory] != nil { throw SourceReadError("is not a directory") }
        return children(of: directory).map { $0.sorted() }
    }

    /// The names directly inside `directory`, or `nil` when no file lies under it.
    private func children(of directory: String) -> Set<String>? {
        let prefix: String
        switch directory {
        case ".": prefix = ""
        case "/": prefix = "/"
        default: prefix = directory + "/"
        }
        var names: Set<String> = []
        for path in files.keys where path.hasPrefix(prefix) {
            if prefix.isEmpty && (path.hasPrefix("/") || path.hasPrefix("../")) { continue }
            let rest = path.dropFirst(prefix.count)
            if let name = rest.split(separator: "/").first { names.insert(String(name)) }
        }
        return names.isEmpty ? nil : names
    }
}
