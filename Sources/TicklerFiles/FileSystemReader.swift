import TicklerCore
import TicklerInput

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
/// `open`/`fstat`/`read` sequence into a buffer of its size, so a 50 MB contacts file costs one copy
/// (made on every core for a file of 4 MB or more: each reads its share with `pread`).
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
        guard let (descriptor, size) = try openRegularFile(path) else { return nil }
        defer { close(descriptor) }

        // One byte more than fstat reported, so a file that grew since fstat is noticed rather than
        // cut short; read in pieces until a read comes up short.
        var bytes: [UInt8] = []
        var wanted = size + 1
        if size >= Self.parallelSize, let whole = try Self.readInParallel(descriptor, size: size) {
            bytes = whole
            wanted = 4096  // more only if the file grew since fstat
            guard lseek(descriptor, off_t(size), SEEK_SET) == off_t(size) else { throw Self.error(for: errno) }
        }
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

    /// The regular file at `path`, read in order into one buffer of `pieceSize` bytes used again for
    /// each piece, so that a large file is never held whole; `false` when nothing exists there.
    public func read(
        _ path: String, pieceSize: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) throws(SourceReadError) -> Bool {
        guard let (descriptor, _) = try openRegularFile(path) else { return false }
        defer { close(descriptor) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, pieceSize))
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let (count, code) = readFully(descriptor, into: buffer)
            if code != 0 { throw Self.error(for: code) }
            total += count
            guard total <= maximumSize else { throw tooLarge(total) }
            if count > 0, !body(UnsafeBufferPointer(rebasing: buffer[..<count])) { return true }
            if count < buffer.count { return true }
        }
    }

    /// Opens the regular file at `path` for reading and returns its descriptor and size; `nil` when
    /// nothing exists there. Refuses a directory, another kind of file, or one over `maximumSize`.
    private func openRegularFile(_ path: String) throws(SourceReadError) -> (descriptor: Int32, size: Int)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw Self.error(for: code)
        }
        var status = stat()
        var problem: SourceReadError?
        if fstat(descriptor, &status) != 0 {
            problem = Self.error(for: errno)
        } else if status.st_mode & S_IFMT == S_IFDIR {
            problem = SourceReadError("is a directory")
        } else if status.st_mode & S_IFMT != S_IFREG {
            problem = SourceReadError("is not a regular file")
        } else if Int(status.st_size) > maximumSize {
            problem = tooLarge(Int(status.st_size))
        }
        if let problem {
            close(descriptor)
            throw problem
        }
        return (descriptor, Int(status.st_size))
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

    /// Files at least this large are read on every core.
    static let parallelSize = 4 << 20

    /// The first `size` bytes of the file, each core reading its share with `pread`; `nil` when a
    /// share came up short (the file shrank since `fstat`: the caller reads it again in order).
    private static func readInParallel(_ descriptor: Int32, size: Int) throws(SourceReadError) -> [UInt8]? {
        let parts = max(1, min(8, size / (1 << 20), sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let shares = (0..<parts).map { (size * $0 / parts)..<(size * ($0 + 1) / parts) }
        var failure: Int32 = 0
        var short = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            // On ParallelMap's lanes, not libdispatch's concurrent pool (which would wake the daemon
            // every second from then on); each lane writes only its part of the buffer.
            let base = UncheckedPointer(buffer.baseAddress)
            let all = ParallelMap.run(shares) { share in
                readFully(
                    descriptor,
                    into: UnsafeMutableBufferPointer(start: base.pointer! + share.lowerBound, count: share.count),
                    at: share.lowerBound)
            }
            failure = all.first { $0.1 != 0 }?.1 ?? 0
            short = zip(shares, all).contains { share, result in result.0 < share.count }
            count = failure == 0 && !short ? size : 0
        }
        if failure != 0 { throw error(for: failure) }
        if short {
            guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw error(for: errno) }
            return nil
        }
        return bytes
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

/// `read(2)` into `buffer` until it is full or the file ends (`pread(2)` from `offset` when one is
/// given): the bytes read, and `errno` if a read failed (0 otherwise). A free function because inside
/// `FileSystemReader` the name `read` is the method.
private func readFully(
    _ descriptor: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int? = nil
) -> (Int, Int32) {
    var count = 0
    while count < buffer.count {
        let (target, wanted) = (buffer.baseAddress! + count, buffer.count - count)
        let result =
            if let offset { pread(descriptor, target, wanted, off_t(offset + count)) } else {
                read(descriptor, target, wanted)
            }
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
