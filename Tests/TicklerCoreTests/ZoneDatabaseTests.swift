import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// Zone tables come from the system's zone database (TZif files and their POSIX TZ footers). Held
/// to Python's `zoneinfo`, an independent reader of the same files: every zone the database lists,
/// at instants spread over 1900–2200 and on both sides of every transition the table has.
@Suite struct ZoneDatabaseTests {
    /// Answers from Debian's Python's `zoneinfo`, one line per query: `L ZONE Y M D H MIN` → the
    /// instant of that local time read with fold=0; `I ZONE T` → `OFFSET Y M D H MIN` at instant `T`.
    static func zoneinfo(_ queries: [String]) throws -> [String] {
        let script = """
            import sys, datetime, zoneinfo
            zones = {}
            for line in open(sys.argv[1]):
                kind, name, *values = line.split()
                zone = zones.setdefault(name, zoneinfo.ZoneInfo(name))
                if kind == "L":
                    y, m, d, h, mi = map(int, values)
                    print(int(datetime.datetime(y, m, d, h, mi, tzinfo=zone).timestamp()))
                else:
                    local = datetime.datetime.fromtimestamp(int(values[0]), tz=zone)
                    print(int(local.utcoffset().total_seconds()), local.year, local.month, local.day,
                          local.hour, local.minute)
            """
        let lines = try python(script, input: queries.joined(separator: "\n") + "\n")
        try #require(lines.count == queries.count, "zoneinfo answered \(lines.count) of \(queries.count)")
        return lines
    }

    /// Runs `script` with Debian's Python on a file holding `input`: its output lines.
    static func python(_ script: String, input: String) throws -> [String] {
        let python = "/usr/bin/python3"
        try #require(FileManager.default.isExecutableFile(atPath: python), "no \(python) (Debian's python3)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("input.txt")
        try input.write(to: inputFile, atomically: true, encoding: .utf8)
        let outputFile = directory.appendingPathComponent("output.txt")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, inputFile.path]
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        return try String(contentsOf: outputFile, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func everyZoneAgreesWithPythonsZoneinfo() throws {
        let names = systemZones.knownNames.sorted()
        try #require(names.count > 400, "the zone database lists \(names.count) zones")
        var queries: [(name: String, instants: [Int64])] = []
        for name in names {
            let zone = try #require(systemZones.rules(named: name), "\(name) is listed but cannot be read")
            var instants = Array(stride(from: ZoneRules.tableStart, to: ZoneRules.tableEnd, by: 73 * 86_400 + 25_200))
            for transition in zone.transitionInstants { instants += [transition - 1, transition] }
            queries.append((name, instants))
        }
        let script = """
            import sys, datetime, zoneinfo
            for line in open(sys.argv[1]):
                name, *instants = line.split()
                zone = zoneinfo.ZoneInfo(name)
                print(name, *(int(datetime.datetime.fromtimestamp(int(t), tz=zone).utcoffset().total_seconds())
                               for t in instants))
            """
        let lines = try Self.python(
            script,
            input: queries.map { ([$0.name] + $0.instants.map(String.init)).joined(separator: " ") }
                .joined(separator: "\n") + "\n")
        try #require(lines.count == queries.count)
        var disagreements: [String] = []
        for (query, line) in zip(queries, lines) {
            let expected = line.split(separator: " ").dropFirst().map { Int($0)! }
            let zone = try #require(systemZones.rules(named: query.name))
            for (instant, offset) in zip(query.instants, expected) where zone.offset(at: instant) != offset {
                disagreements.append("\(query.name) at \(instant): \(zone.offset(at: instant)), zoneinfo \(offset)")
                break
            }
        }
        #expect(disagreements == [], "\(disagreements.count) zones disagree")
    }

    /// The system's current rules, not the toolchain's copy of an older database: Debian's tzdata
    /// (2026f here) has British Columbia on UTC−7 all year from November 2026, which the ICU data
    /// built into Foundation (2025b) does not know.
    @Test func theSystemsCurrentRulesApply() throws {
        let vancouver = try #require(systemZones.rules(named: "America/Vancouver"))
        let winter = try #require(Timestamp.parse("2027-01-15T12:00:00Z"))
        #expect(vancouver.offset(at: winter) == -7 * 3600)
    }

    @Test(arguments: [
        "../../etc/passwd", "/etc/localtime", "America/../Europe/London", "America//New_York", "", "tzdata.zi",
        "America", "Not/A_Zone",
    ])
    func namesThatAreNotZonesAreUnknown(name: String) {
        #expect(systemZones.rules(named: name) == nil)
        #expect(!systemZones.isKnown(name))
    }
}

/// TZif files made here, for what the system's database does not show.
@Suite struct TZifTests {
    /// A version-2 file: an empty version-1 part, then `transitions` (instant, type) over `offsets`.
    static func file(transitions: [(Int64, UInt8)], offsets: [Int32], footer: String) -> [UInt8] {
        func header(version: UInt8, times: Int, types: Int) -> [UInt8] {
            var bytes = Array("TZif".utf8) + [version] + Array(repeating: 0, count: 15)
            for count in [0, 0, 0, times, types, types * 4] {
                bytes += withUnsafeBytes(of: UInt32(count).bigEndian, Array.init)
            }
            return bytes
        }
        var bytes = header(version: UInt8(ascii: "2"), times: 0, types: 1) + [0, 0, 0, 0, 0, 0] + [0, 0, 0, 0]
        bytes += header(version: UInt8(ascii: "2"), times: transitions.count, types: offsets.count)
        for (time, _) in transitions { bytes += withUnsafeBytes(of: time.bigEndian, Array.init) }
        bytes += transitions.map(\.1)
        for (index, offset) in offsets.enumerated() {
            bytes += withUnsafeBytes(of: offset.bigEndian, Array.init) + [0, UInt8(index * 4)]
        }
        bytes += Array(repeating: UInt8(ascii: "X"), count: offsets.count * 4)
        return bytes + Array("\n\(footer)\n".utf8)
    }

    @Test func anEmptyFooterKeepsTheLastOffset() throws {
        let bytes = Self.file(transitions: [(1_000_000, 1)], offsets: [3_600, 7_200], footer: "")
        let table = try #require(TZif.table(bytes, from: 0, to: 4_000_000_000))
        #expect(table.transitions == [1_000_000])
        #expect(table.offsets == [3_600, 7_200])
    }

    @Test func aFooterRuleContinuesAfterTheLastTransition() throws {
        let bytes = Self.file(transitions: [], offsets: [-18_000], footer: "EST5EDT,M3.2.0,M11.1.0")
        let start = try #require(Timestamp.parse("2027-01-01T00:00:00Z"))
        let table = try #require(TZif.table(bytes, from: start, to: start + 365 * 86_400))
        #expect(
            table.transitions.map { Timestamp.format($0, offset: 0) } == [
                "2027-03-14T07:00:00Z", "2027-11-07T06:00:00Z",
            ])
        #expect(table.offsets == [-18_000, -14_400, -18_000])
    }

    @Test(arguments: ["", "EST5EDT,M3.2.0", "EST5EDT,M13.1.0,M11.1.0", "<+03", "EST5EDT,J0,J365", "TZif"])
    func malformedFilesAndFootersAreRefused(footer: String) {
        let bytes = Self.file(transitions: [], offsets: [0], footer: footer)
        if footer.isEmpty {
            #expect(TZif.table(Array(bytes.dropLast(3)), from: 0, to: 1) == nil)  // cut inside the data
        } else {
            #expect(TZif.table(bytes, from: 0, to: 1) == nil)
        }
    }
}
