import Foundation
import Synchronization
import Testing
import TicklerDelivery
import TicklerTestSupport

/// The file channel: one file per key, written atomically, replaced on a second write.
@Suite struct FileTransportTests {
    private let key = "birthday-greeting/acme-zhang/2027-03-14"

    private func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func writesTheExactBytesUnderTheKeysName() throws {
        let directory = try TemporaryDirectory()
        let transport = FileTransport(channelName: "outbox", directory: directory.path)
        let bytes = Array("Subject: hello\r\n\r\nbody\r\n".utf8)
        let path = try transport.write(key: key, fileExtension: "eml", bytes: bytes)
        #expect(path == directory.path + "/birthday-greeting__acme-zhang__2027-03-14.eml")
        #expect(try contents(path) == bytes)
        #expect(try mode(path) == 0o600)
        // No temporary file is left behind.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == [
                (path as NSString).lastPathComponent
            ])
    }

    @Test func aMissingDirectoryIsCreatedPrivate() throws {
        let directory = try TemporaryDirectory()
        let outbox = directory.path("var/outbox")
        let path = try FileTransport(channelName: "outbox", directory: outbox)
            .write(key: key, fileExtension: "json", bytes: Array("{}".utf8))
        #expect(path.hasPrefix(outbox + "/"))
        #expect(try mode(outbox) == 0o700)
        #expect(try mode(directory.path("var")) == 0o700)
    }

    @Test func aSecondWriteOfTheSameKeyReplacesTheFirst() throws {
        let directory = try TemporaryDirectory()
        let transport = FileTransport(channelName: "outbox", directory: directory.path)
        let first = try transport.write(key: key, fileExtension: "eml", bytes: Array("first".utf8))
        let second = try transport.write(key: key, fileExtension: "eml", bytes: Array("second, longer".utf8))
        #expect(first == second)
        #expect(try contents(second) == Array("second, longer".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    }

    @Test func chineseContentAndKeysSurviveUnchanged() throws {
        let directory = try TemporaryDirectory()
        let transport = FileTransport(channelName: "outbox", directory: directory.path)
        let bytes = Array(#"{"title":"生日快乐","text":"亲爱的张三：祝您生日快乐！🎂"}"#.utf8)
        let path = try transport.write(key: "thank-you/张三/42", fileExtension: "json", bytes: bytes)
        #expect(path.hasSuffix("/thank-you__%E5%BC%A0%E4%B8%89__42.json"))
        #expect(try contents(path) == bytes)
    }

    @Test(arguments: [
        ("birthday-greeting/acme-zhang/2027-03-14", "birthday-greeting__acme-zhang__2027-03-14"),
        ("callback-overdue/c.1/17/2", "callback-overdue__c.1__17__2"),
        ("check_in/a@b+c=d/x,y", "check_in__a@b+c=d__x,y"),
        ("a_/b", "a%5F__b"),
        ("a/_b", "a__%5Fb"),
        ("a__b", "a%5F_b"),
        ("x y:z", "x%20y%3Az"),
        ("100%~", "100%25%7E"),
        (".hidden", "%2Ehidden"),
        ("../../etc/passwd", "%2E.__..__etc__passwd"),
        ("line\r\nbreak\0", "line%0D%0Abreak%00"),
        ("张三", "%E5%BC%A0%E4%B8%89"),
    ])
    func unsafeCharactersInKeysAreEncoded(key: String, name: String) {
        #expect(FileTransport.fileName(forKey: key) == name)
    }

    @Test func differentKeysGetDifferentNames() {
        let keys = [
            "a/b", "a__b", "a_/b", "a/_b", "a_b", "a//b", "a%2Fb", "a/__b", "a___b", "a__/b", "a/b_", "a_", "_a",
            "a%5F_b", ".a", "%2Ea", "a.", "a~", "a%7E",
        ]
        let names = keys.map(FileTransport.fileName(forKey:))
        #expect(Set(names).count == keys.count, "\(Array(zip(keys, names)))")
    }

    @Test(arguments: ["r", "ru", "rul"])
    func longKeysAreCutAndEndInAHashOfTheWholeKey(rule: String) {
        let long = rule + "/" + String(repeating: "张", count: 100) + "/2027-03-14"
        let other = rule + "/" + String(repeating: "张", count: 100) + "/2027-03-15"
        let name = FileTransport.fileName(forKey: long)
        #expect(name.utf8.count <= 200)
        #expect(name.hasPrefix(rule + "__%E5%BC%A0"))
        #expect(name.split(separator: "~").last?.count == 16)
        #expect(name == FileTransport.fileName(forKey: long))
        #expect(name != FileTransport.fileName(forKey: other))
        // Whatever the prefix's length, the cut never falls inside a %XX escape.
        let beforeHash = name.split(separator: "~")[0]
        #expect(!beforeHash.suffix(2).contains("%"))
    }

    @Test func aReaderSeesTheOldFileOrTheNewOneNeverAPart() throws {
        let directory = try TemporaryDirectory()
        let transport = FileTransport(channelName: "outbox", directory: directory.path)
        let versions = [
            [UInt8](repeating: UInt8(ascii: "a"), count: 300_000),
            [UInt8](repeating: UInt8(ascii: "b"), count: 200_000),
        ]
        let path = try transport.write(key: key, fileExtension: "eml", bytes: versions[0])
        let done = Atomic<Bool>(false)
        let torn = Atomic<Int>(0)
        let reads = Atomic<Int>(0)
        let reader = Thread {
            while !done.load(ordering: .acquiring) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    torn.add(1, ordering: .relaxed)  // the file must always exist
                    continue
                }
                let bytes = Array(data)
                if bytes != versions[0] && bytes != versions[1] { torn.add(1, ordering: .relaxed) }
                reads.add(1, ordering: .relaxed)
            }
        }
        reader.start()
        for round in 1...100 { try transport.write(key: key, fileExtension: "eml", bytes: versions[round % 2]) }
        done.store(true, ordering: .releasing)
        while !reader.isFinished { usleep(1_000) }
        #expect(torn.load(ordering: .relaxed) == 0)
        #expect(reads.load(ordering: .relaxed) > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    }

    @Test func aDirectoryThatCannotBeMadeIsAPermanentFailure() throws {
        let directory = try TemporaryDirectory()
        try directory.write("taken", "a file, not a directory")
        let transport = FileTransport(channelName: "outbox", directory: directory.path("taken/outbox"))
        #expect {
            try transport.write(key: key, fileExtension: "eml", bytes: [])
        } throws: { error in
            guard let failure = error as? DeliveryFailure else { return false }
            return failure.kind == .file && !failure.isTransient && failure.description.contains("'outbox'")
                && failure.description.contains(directory.path("taken/outbox"))
        }
    }

    @Test func aBadExtensionIsRefused() throws {
        let directory = try TemporaryDirectory()
        let transport = FileTransport(channelName: "outbox", directory: directory.path)
        #expect(throws: DeliveryFailure.self) {
            try transport.write(key: key, fileExtension: "../eml", bytes: [])
        }
    }
}
