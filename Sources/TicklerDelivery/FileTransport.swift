import TicklerCore
import TicklerMessages

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `file` channel: one file per message in a directory, named after the occurrence key, so a
/// second write for the same key replaces the first rather than adding a duplicate.
///
/// Each write is atomic: the bytes go to a temporary file in the same directory (`.NAME.tmp-…`, mode
/// 0600), which is `fsync`ed, `rename`d over the final name and followed by an `fsync` of the directory.
/// A reader sees the old file or the new one, never a part; after a crash the file is whole or absent
/// (a leftover `.…tmp-…` file can be deleted). The directory is created, mode 0700, if missing.
///
/// `write` blocks (two `fsync`s): call it from a thread or queue of its own, not from the Swift
/// concurrency pool.
public struct FileTransport: Sendable {
    /// The channel's name in `tickler.yaml`.
    public let channelName: String
    /// The directory the files go into.
    public let directory: String

    public init(channelName: String, directory: String) {
        self.channelName = channelName
        self.directory = directory
    }

    public init(channelName: String, channel: FileChannel) {
        self.init(channelName: channelName, directory: channel.directory)
    }

    /// Writes `bytes` to `<directory>/<fileName(forKey: key)>.<fileExtension>` atomically and returns
    /// that path. `fileExtension` is `eml` or `json` (lowercase letters and digits).
    @discardableResult
    public func write(key: String, fileExtension: String, bytes: [UInt8]) throws(DeliveryFailure) -> String {
        guard !key.isEmpty else { throw problem("the occurrence key is empty") }
        guard !fileExtension.isEmpty,
            fileExtension.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) })
        else { throw problem("the file extension '\(fileExtension)' is not lowercase letters and digits") }
        try createDirectory()
        let name = Self.fileName(forKey: key) + "." + fileExtension
        let path = directory + "/" + name
        let temporary = directory + "/." + name + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file for '\(name)'") }
        var written = false
        defer { if !written { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor, name: name)
            guard fsync(descriptor) == 0 else { throw failure("cannot flush '\(name)' to disk") }
        }
        guard rename(temporary, path) == 0 else { throw failure("cannot move '\(name)' into place") }
        written = true
        try syncDirectory()
        return path
    }

    /// The file name (without extension) for an occurrence key: the same key always gives the same name
    /// and different keys different names. `/` becomes `__`; ASCII letters, digits and `. - + = @ ,` stay;
    /// every other byte of the key's UTF-8 is written `%XX` — including `%`, `~`, a leading `.`, and a
    /// `_` that would touch another `_` (so every `__` comes from a `/`). A name longer than 200 bytes is
    /// cut and ends in `~` and a 64-bit hash of the whole key (`~` appears in no other name).
    ///
    ///     birthday-greeting/acme-zhang/2027-03-14  →  birthday-greeting__acme-zhang__2027-03-14
    ///     thank-you/张三/42                          →  thank-you__%E5%BC%A0%E4%B8%89__42
    public static func fileName(forKey key: String) -> String {
        let bytes = Array(key.utf8)
        var name: [UInt8] = []
        name.reserveCapacity(bytes.count)
        let hex = Array("0123456789ABCDEF".utf8)
        func percent(_ byte: UInt8) { name += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "/"):
                name += [UInt8(ascii: "_"), UInt8(ascii: "_")]
            case UInt8(ascii: "_"):
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let touches = name.last == UInt8(ascii: "_") || next == UInt8(ascii: "_") || next == UInt8(ascii: "/")
                if touches { percent(byte) } else { name.append(byte) }
            case UInt8(ascii: "."):
                if name.isEmpty { percent(byte) } else { name.append(byte) }
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "="),
                UInt8(ascii: "@"), UInt8(ascii: ","):
                name.append(byte)
            default:
                percent(byte)
            }
        }
        if name.count > 200 {
            var cut = 180
            // Never cut inside a `%XX` escape.
            if name[cut - 1] == UInt8(ascii: "%") { cut -= 1 } else if name[cut - 2] == UInt8(ascii: "%") { cut -= 2 }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            let digits = String(hash, radix: 16)
            name = Array(name[0..<cut]) + Array(("~" + String(repeating: "0", count: 16 - digits.count) + digits).utf8)
        }
        return String(decoding: name, as: UTF8.self)
    }

    // MARK: Private

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32, name: String) throws(DeliveryFailure) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write '\(name)'")
            }
            offset += count
        }
    }

    /// Creates the directory and any missing parents, mode 0700.
    private func createDirectory() throws(DeliveryFailure) {
        var info = stat()
        if stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { return }
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            path += "/" + component
            if mkdir(path, 0o700) != 0, errno != EEXIST {
                throw failure("cannot create the directory")
            }
        }
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw DeliveryFailure.file(
                errno: ENOTDIR, action: "cannot use the directory", channel: channelName, directory: directory)
        }
    }

    /// Makes the rename durable: `fsync` on the directory itself.
    private func syncDirectory() throws(DeliveryFailure) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open the directory to flush it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush the directory to disk") }
    }

    /// A failure for the current `errno`.
    private func failure(_ action: String) -> DeliveryFailure {
        .file(errno: errno, action: action, channel: channelName, directory: directory)
    }

    private func problem(_ text: String) -> DeliveryFailure {
        .configuration(text, channel: channelName, target: directory, operation: "writing a file")
    }
}

/// `write(2)`, which the method named `write` hides inside `FileTransport`.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
