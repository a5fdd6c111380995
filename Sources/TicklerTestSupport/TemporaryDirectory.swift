import Foundation

/// A fresh, uniquely named directory under `/tmp` for one test, removed with everything in it when the
/// last reference goes away.
///
///     let directory = try TemporaryDirectory()
///     try directory.write("etc/tickler.yaml", "timezone: Asia/Shanghai\n")
///     let config = directory.path("etc/tickler.yaml")
///
/// Each instance has its own directory, so tests running in parallel never share files.
public final class TemporaryDirectory: Sendable {
    /// The absolute path of the directory.
    public let path: String

    /// Creates the directory (`/tmp/tickler-test-XXXXXX`, mode 0700).
    public init() throws {
        var template = Array("/tmp/tickler-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let created else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        path = created
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `relativePath` inside the directory (the directory itself for `""`).
    public func path(_ relativePath: String) -> String {
        relativePath.isEmpty ? path : path + "/" + relativePath
    }

    /// Writes `contents` as UTF-8 to `relativePath`, creating intermediate directories; returns its path.
    @discardableResult
    public func write(_ relativePath: String, _ contents: String) throws -> String {
        try write(relativePath, Array(contents.utf8))
    }

    /// Writes `contents` to `relativePath`, creating intermediate directories; returns its path.
    @discardableResult
    public func write(_ relativePath: String, _ contents: [UInt8]) throws -> String {
        let target = path(relativePath)
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(contents).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Creates the directory `relativePath` and any missing parents; returns its path.
    @discardableResult
    public func createDirectory(_ relativePath: String) throws -> String {
        let target = path(relativePath)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        return target
    }
}
