import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Watches directories with inotify through a Dispatch read source and reports, on the daemon's
/// queue, which watched names changed — without polling: the daemon sleeps until the kernel says a
/// file was written, created, moved in or removed.
///
/// Directories are watched rather than files, because editors save by writing a new file and renaming
/// it over the old one (the old file's watch would then see nothing more). Each event is matched
/// against the set of paths the caller cares about; the others are ignored.
final class FileWatcher {
    private let descriptor: Int32
    private let source: DispatchSourceRead
    private var directories: [Int32: String] = [:]

    /// - Parameter changed: called on `queue` with the paths (directory + "/" + name) that changed.
    init?(queue: DispatchQueue, changed: @escaping ([String]) -> Void) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
        source.setEventHandler { [unowned self] in
            let paths = self.drain()
            if !paths.isEmpty { changed(paths) }
        }
        let fd = descriptor
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    deinit { source.cancel() }

    /// Watches `directories` (and forgets earlier ones that are not among them). A directory that
    /// does not exist is skipped and reported in the result.
    @discardableResult
    func watch(_ wanted: Set<String>) -> [String] {
        var missing: [String] = []
        for (watch, directory) in directories where !wanted.contains(directory) {
            inotify_rm_watch(descriptor, watch)
            directories[watch] = nil
        }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY)
        for directory in wanted where !directories.values.contains(directory) {
            let watch = inotify_add_watch(descriptor, directory, mask)
            if watch >= 0 { directories[watch] = directory } else { missing.append(directory) }
        }
        return missing
    }

    /// Reads every pending event; the changed paths, each once.
    private func drain() -> [String] {
        var paths: [String] = []
        var seen = Set<String>()
        let size = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            guard count > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (watch, length) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                if let directory = directories[watch] {
                    let path = name.isEmpty ? directory : directory + "/" + name
                    if seen.insert(path).inserted { paths.append(path) }
                }
                offset += header + length
            }
        }
        return paths
    }
}
