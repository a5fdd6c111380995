import Testing
import TicklerCore
import TicklerInput
import TicklerTestSupport

@testable import TicklerFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct FileSystemReaderTests {
    let reader = FileSystemReader()

    @Test func missingFileReadsAsNil() throws {
        let directory = try TemporaryDirectory()
        #expect(try reader.read(directory.path("no-such.yaml")) == nil)
        #expect(try reader.read(directory.path("no-such-dir/contacts.csv")) == nil)
    }

    @Test func directoryIsRefusedAsADirectory() throws {
        let directory = try TemporaryDirectory()
        let etc = try directory.createDirectory("etc")
        #expect(throws: SourceReadError("is a directory")) { try reader.read(etc) }
    }

    @Test func pathThroughAFileReportsTheSystemReason() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("contacts.csv", "id\n")
        #expect(throws: SourceReadError("not a directory")) { try reader.read(file + "/more.csv") }
    }

    @Test func unreadableFileIsPermissionDeniedUnlessRoot() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("secret.yaml", "timezone: UTC\n")
        #expect(chmod(file, 0) == 0)
        if getuid() == 0 {
            // root reads a mode-000 file anyway (CAP_DAC_OVERRIDE): the reader must simply succeed.
            #expect(try reader.read(file) == Array("timezone: UTC\n".utf8))
        } else {
            #expect(throws: SourceReadError("permission denied")) { try reader.read(file) }
        }
    }

    @Test func unlistableDirectoryIsPermissionDeniedUnlessRoot() throws {
        let directory = try TemporaryDirectory()
        try directory.write("templates/a.txt", "A")
        let templates = directory.path("templates")
        #expect(chmod(templates, 0) == 0)
        defer { chmod(templates, 0o700) }
        if getuid() == 0 {
            #expect(try reader.list(templates) == ["a.txt"])
        } else {
            #expect(throws: SourceReadError("permission denied")) { try reader.list(templates) }
        }
    }

    @Test func fileOverTheLimitIsRefusedWithBothSizes() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("contacts.csv", [UInt8](repeating: 0x41, count: 20))
        let small = FileSystemReader(maximumSize: 10)
        #expect(throws: SourceReadError("file is 20 bytes; the limit is 10 bytes")) { try small.read(file) }
    }

    @Test func fileExactlyAtTheLimitIsRead() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("contacts.csv", [UInt8](repeating: 0x41, count: 10))
        #expect(try FileSystemReader(maximumSize: 10).read(file)?.count == 10)
    }

    @Test func defaultLimitIs256MB() {
        #expect(FileSystemReader().maximumSize == 256 << 20)
    }

    @Test(arguments: [
        (0, "0 bytes"), (1, "1 byte"), (1023, "1023 bytes"), (1024, "1 KB"), (1536, "1.5 KB"),
        (300 << 20, "300 MB"), (256 << 20, "256 MB"), ((256 << 20) + (1 << 19), "256.5 MB"), (3 << 30, "3 GB"),
    ])
    func sizesAreDescribedInWords(bytes: Int, words: String) {
        #expect(FileSystemReader.describe(bytes: bytes) == words)
    }

    /// Large files are read in parts on every core: every byte lands where it belongs, whatever
    /// the size's remainder.
    @Test(arguments: [FileSystemReader.parallelSize, FileSystemReader.parallelSize + 7, 9 << 20 + 12_345])
    func largeFilesAreReadByteForByte(size: Int) throws {
        let directory = try TemporaryDirectory()
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let file = try directory.write("contacts.csv", bytes)
        #expect(try reader.read(file) == bytes)
    }

    @Test func utf8ContentRoundTripsByteForByte() throws {
        let directory = try TemporaryDirectory()
        let text = "id,name\r\nc1,\"李娜 (Li Na)\"\r\nc2,Émily Carter 🎂\r\n"
        let file = try directory.write("contacts.csv", text)
        let bytes = try #require(try reader.read(file))
        #expect(bytes == Array(text.utf8))
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    @Test func emptyFileIsEmptyNotMissing() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("empty.yaml", "")
        #expect(try reader.read(file) == [])
    }

    @Test func largeFileIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        var contents = [UInt8](repeating: 0x41, count: 8 << 20)
        let marks = [0, 4095, 4096, 1 << 20, (8 << 20) - 1]
        for (offset, mark) in marks.enumerated() { contents[mark] = UInt8(offset) }
        let file = try directory.write("big.csv", contents)
        let bytes = try #require(try reader.read(file))
        #expect(bytes.count == contents.count)
        #expect(marks.map { bytes[$0] } == marks.map { contents[$0] })
    }

    /// A file longer than `fstat` says (as it is when it grows while being read) is read to its end:
    /// Linux reports a size of 0 for `/proc/version`, which holds a line of text.
    @Test func aFileLongerThanItsReportedSizeIsReadToItsEnd() throws {
        var status = stat()
        guard stat("/proc/version", &status) == 0, status.st_size == 0 else { return }  // not Linux
        let bytes = try #require(try reader.read("/proc/version"))
        #expect(bytes.count > 1)
        #expect(bytes.starts(with: Array("Linux version".utf8)))
        #expect(bytes.last == UInt8(ascii: "\n"))
        let limited = FileSystemReader(maximumSize: 10)
        #expect(throws: SourceReadError.self) { try limited.read("/proc/version") }
    }

    @Test func symlinkIsFollowed() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.write("real.yaml", "a: 1\n")
        let link = directory.path("link.yaml")
        #expect(symlink(target, link) == 0)
        #expect(try reader.read(link) == Array("a: 1\n".utf8))
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path("pipe.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: SourceReadError("is not a regular file")) { try reader.read(fifo) }
    }

    // MARK: - In pieces

    @Test func aFileReadInPiecesComesWholeAndInOrder() throws {
        let directory = try TemporaryDirectory()
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let file = try directory.write("contacts.csv", bytes)
        for pieceSize in [1 << 16, 300_001, 1 << 20] {
            let (found, pieces) = try pieces(of: file, pieceSize: pieceSize)
            #expect(found)
            #expect(pieces.joined().elementsEqual(bytes))
            #expect(pieces.dropLast().allSatisfy { $0.count == pieceSize })
            #expect(pieces.count == (bytes.count + pieceSize - 1) / pieceSize)
        }
        // Stopping after the first piece.
        var count = 0
        #expect(
            try reader.read(file, pieceSize: 1000) { _ in
                count += 1
                return false
            })
        #expect(count == 1)
    }

    @Test func readingInPiecesRefusesWhatReadRefuses() throws {
        let directory = try TemporaryDirectory()
        #expect(try pieces(of: directory.path("no-such.csv"), pieceSize: 10) == (false, []))
        let empty = try directory.write("empty.csv", "")
        #expect(try pieces(of: empty, pieceSize: 10) == (true, []))
        let etc = try directory.createDirectory("etc")
        #expect(throws: SourceReadError("is a directory")) { try pieces(of: etc, pieceSize: 10) }
        let fifo = directory.path("pipe.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: SourceReadError("is not a regular file")) { try pieces(of: fifo, pieceSize: 10) }
        let file = try directory.write("contacts.csv", [UInt8](repeating: 0x41, count: 20))
        #expect(throws: SourceReadError("file is 20 bytes; the limit is 10 bytes")) {
            try FileSystemReader(maximumSize: 10).read(file, pieceSize: 4) { _ in true }
        }
        #expect(try FileSystemReader(maximumSize: 20).read(file, pieceSize: 4) { _ in true })
    }

    /// The pieces `read(_:pieceSize:_:)` hands over, each copied, and whether the file exists.
    private func pieces(of path: String, pieceSize: Int, reader: some SourceReader = FileSystemReader())
        throws(SourceReadError) -> (Bool, [[UInt8]])
    {
        var pieces: [[UInt8]] = []
        let found = try reader.read(path, pieceSize: pieceSize) { piece in
            pieces.append(Array(piece))
            return true
        }
        return (found, pieces)
    }

    @Test func listingIsSortedNamesWithoutDotEntries() throws {
        let directory = try TemporaryDirectory()
        try directory.write("templates/thank-you.txt", "T")
        try directory.write("templates/birthday-greeting.txt", "B")
        try directory.write("templates/birthday-greeting.zh.txt", "生日")
        try directory.write("templates/.hidden.swp", "")
        try directory.createDirectory("templates/old")
        let names = try reader.list(directory.path("templates"))
        #expect(
            names == [".hidden.swp", "birthday-greeting.txt", "birthday-greeting.zh.txt", "old", "thank-you.txt"]
        )
    }

    @Test func listingAnEmptyDirectoryIsEmpty() throws {
        let directory = try TemporaryDirectory()
        #expect(try reader.list(directory.path) == [])
    }

    @Test func listingAMissingDirectoryIsNil() throws {
        let directory = try TemporaryDirectory()
        #expect(try reader.list(directory.path("templates")) == nil)
    }

    @Test func listingAFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("tickler.yaml", "")
        #expect(throws: SourceReadError("is not a directory")) { try reader.list(file) }
    }

    /// The in-memory reader the core tests use must answer as the real one does for the same tree.
    @Test func memoryReaderAgreesWithTheFileSystem() throws {
        let files = [
            "etc/tickler.yaml": "timezone: UTC\n", "etc/contacts.csv": "id\nc1\n", "templates/a.txt": "A",
            "templates/zh/b.txt": "乙",
        ]
        let directory = try TemporaryDirectory()
        for (path, text) in files { try directory.write(path, text) }
        let memory = MemoryReader(files.mapKeys { directory.path($0) })

        let paths = ["", "etc", "etc/tickler.yaml", "etc/missing.yaml", "templates", "templates/zh", "nope"]
        for relative in paths {
            let path = directory.path(relative)
            #expect(readOutcome(memory, path) == readOutcome(reader, path), "read '\(relative)'")
            #expect(piecesOutcome(memory, path) == piecesOutcome(reader, path), "read in pieces '\(relative)'")
            #expect(listOutcome(memory, path) == listOutcome(reader, path), "list '\(relative)'")
        }
    }
}

/// What `read(_:pieceSize:_:)` answers, as text: the pieces, `nil`, or the error's reason.
private func piecesOutcome(_ reader: some SourceReader, _ path: String) -> String {
    do throws(SourceReadError) {
        var pieces: [String] = []
        let found = try reader.read(path, pieceSize: 3) { piece in
            pieces.append(String(decoding: piece, as: UTF8.self))
            return true
        }
        return found ? pieces.joined(separator: "|") : "nil"
    } catch {
        return "error: \(error.reason)"
    }
}

/// What `read` answers, as text: the contents, `nil`, or the error's reason.
private func readOutcome(_ reader: some SourceReader, _ path: String) -> String {
    do throws(SourceReadError) {
        return try reader.read(path).map { String(decoding: $0, as: UTF8.self) } ?? "nil"
    } catch {
        return "error: \(error.reason)"
    }
}

/// What `list` answers, as text: the names, `nil`, or the error's reason.
private func listOutcome(_ reader: some SourceReader, _ path: String) -> String {
    do throws(SourceReadError) {
        return try reader.list(path)?.joined(separator: ",") ?? "nil"
    } catch {
        return "error: \(error.reason)"
    }
}

extension Dictionary {
    fileprivate func mapKeys<NewKey: Hashable>(_ transform: (Key) -> NewKey) -> [NewKey: Value] {
        [NewKey: Value](uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
