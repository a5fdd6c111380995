import Foundation
import Testing
import TicklerTestSupport

/// Runs `tickler check` on every case of the bad-input corpus (`Corpus/NAME/tickler.yaml`) and
/// compares its whole output, line by line, with `Corpus/NAME/expected.txt`: the first line is
/// `exit: N`, then what the command printed (stderr, then stdout). A moved column fails the test.
@Suite struct CheckCorpusTests {
    static let corpus = RepositoryRoot.path("Tests/TicklerCLITests/Corpus")

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: corpus + "/" + $0 + "/expected.txt") }.sorted()
    }

    @Test func corpusIsNotEmpty() {
        #expect(Self.cases.count >= 15)
    }

    @Test(arguments: cases)
    func checkReportsExactly(_ name: String) throws {
        let expected = try String(contentsOfFile: "\(Self.corpus)/\(name)/expected.txt", encoding: .utf8)
        let result = try TicklerProcess.run(
            arguments: ["check", "--config", "\(name)/tickler.yaml"], currentDirectory: Self.corpus,
            timeout: .seconds(30))
        let actual = "exit: \(result.status)\n" + result.stderr + result.stdout
        #expect(actual.split(separator: "\n") == expected.split(separator: "\n"))
    }

    /// A 50 MB contacts file is read whole and correctly, not refused and not slow to the point of a hang.
    @Test func fiftyMegabyteContactsFileIsRead() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("tickler.yaml", "timezone: Asia/Shanghai\ncontacts: [contacts.csv]\n")
        var csv = "id,name,birthday,notes\n"
        let notes = String(repeating: "客户很重视售后服务，", count: 40)  // 1,200 bytes
        var count = 0
        while csv.utf8.count < 50 << 20 {
            count += 1
            csv += "c\(count),客户\(count),--0\(count % 9 + 1)-1\(count % 9),\(notes)\n"
        }
        _ = try directory.write("contacts.csv", csv)
        let result = try TicklerProcess.run(
            arguments: ["check", "--config", directory.path("tickler.yaml")], timeout: .seconds(120))
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.stdout.contains("0 rules, \(count) contacts, 0 channels, 0 templates"))
    }

    @Test func garbageOfEveryKindNeverCrashes() throws {
        let directory = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let bytes = (0..<(round * 97 + 1)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try directory.write("tickler.yaml", "timezone: UTC\ncontacts: [c.yaml, c.csv, c.vcf]\n")
            for file in ["c.yaml", "c.csv", "c.vcf"] { _ = try directory.write(file, bytes) }
            let result = try TicklerProcess.run(
                arguments: ["check", "--config", directory.path("tickler.yaml")], timeout: .seconds(30))
            #expect([0, 1].contains(result.status), "round \(round): \(result.stderr)")
        }
    }
}
