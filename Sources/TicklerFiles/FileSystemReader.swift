import TicklerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads configuration, contact and template files from the local file system for the core.
///
/// Relative paths are relative to the process's working directory. A file is read with one
/// `open`/`fstat`/`read` sequence into a buffer of its size, so a 50 MB contacts file costs one copy.
/// Only regular files are read: a directory, FIFO or device is refused with a reason rather than
/// read (a FIFO would block forever), and a file larger than `maximumSize` is refused before it is read.
public struct FileSystemReader: SourceReader {
    /// The largest file `read` accepts, in bytes (256 MB by default).
    public var maximumSize: Int = 256 << 20

    public init() {}

    public init(maximumSize: Int) {
        self.maximumSize = maximumSize
    }

    /// The bytes of the regular file at `path`, or `nil` when nothing exists there.
    public func read(_ path: String) throws(SourceReadError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw Self.error(for: code)
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.error(for: errno) }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw SourceReadError("is a directory") }
        guard kind == S_IFREG else { throw SourceReadError("is not a regular file") }
        let size = Int(status.st_size)
        guard size <= maximumSize else { throw tooLarge(size) }

        // One byte more than fstat reported, so a file that grew since fstat is noticed rather than
        // cut short; read in pieces until a read comes up short.
        var bytes: [UInt8] = []
        var wanted = size + 1
        while true {
            var code: Int32 = 0
            let piece = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, count in
                (count, code) = readFully(descriptor, into: buffer)
            }
            if code != 0 { throw Self.error(for: code) }
            if bytes.isEmpty { bytes = piece } else { bytes += piece }
            guard bytes.count <= maximumSize else { throw tooLarge(bytes.count) }
            if piece.count < wanted { return bytes }
            wanted = max(bytes.count, 4096)
        }
    }

    /// The names of the entries in `directory` (files and subdirectories, without `.` and `..`),
    /// sorted, or `nil` when the directory does not exist.
    public func list(_ directory: String) throws(SourceReadError) -> [String]? {
        guard let stream = opendir(directory) else {
            let code = errno
            if code == ENOENT { return nil }
            if code == ENOTDIR { throw SourceReadError("is not a directory") }
            throw Self.error(for: code)
        }
        defer { closedir(stream) }

        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw Self.error(for: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private func tooLarge(_ size: Int) -> SourceReadError {
        SourceReadError("file is \(Self.describe(bytes: size)); the limit is \(Self.describe(bytes: maximumSize))")
    }

    /// `errno` as a plain lowercase reason (`permission denied`, `input/output error`).
    private static func error(for code: Int32) -> SourceReadError {
        if code == EACCES || code == EPERM { return SourceReadError("permission denied") }
        guard let text = strerror(code) else { return SourceReadError("error \(code)") }
        let message = String(cString: text)
        return SourceReadError(message.prefix(1).lowercased() + message.dropFirst())
    }

    /// A size in words: `300 MB`, `1.5 KB`, `12 bytes` (1 KB = 1024 bytes).
    static func describe(bytes: Int) -> String {
        let units: [(size: Int, name: String)] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for unit in units where bytes >= unit.size {
            if bytes % unit.size == 0 { return "\(bytes / unit.size) \(unit.name)" }
            let tenths = (bytes * 10 + unit.size / 2) / unit.size
            return "\(tenths / 10).\(tenths % 10) \(unit.name)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

/// `read(2)` into `buffer` until it is full or the file ends: the bytes read, and `errno` if a read
/// failed (0 otherwise). A free function because inside `FileSystemReader` the name `read` is the method.
private func readFully(_ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>) -> (Int, Int32) {
    var count = 0
    while count < buffer.count {
        let result = read(descriptor, buffer.baseAddress! + count, buffer.count - count)
        if result > 0 {
            count += result
        } else if result == 0 {
            break
        } else if errno != EINTR {
            return (count, errno)
        }
    }
    return (count, 0)
}
