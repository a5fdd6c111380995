import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// `tickler upcoming` as a user runs it: a configuration with its own contacts, templates and state
/// store in a temporary directory, and a fixed `--now`.
@Suite struct UpcomingCommandTests {
    let directory: TemporaryDirectory
    let config: String

    init() throws {
        (directory, config) = try Self.workspace()
    }

    /// The workspace these tests (and `UpcomingFilterTests`) run on, and its configuration's path.
    /// 张伟 lives in Shanghai and is looked after by Nora in New York; 欧阳娜娜 (Shanghai) by 李娜
    /// (Shanghai); Al in Kathmandu (+05:45) has no owner. Listed out of key order on purpose.
    static func workspace() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        try directory.write(
            "contacts.yaml",
            """
            - { id: zhang, name: 张伟, email: zhang@example.cn, birthday: 1980-03-14, owner: nora }
            - { id: bo, name: 欧阳娜娜, email: bo@example.cn, birthday: --03-14, owner: li.na }
            - { id: al, name: Al, email: al@example.com, birthday: --03-14, timezone: Asia/Kathmandu }

            """)
        try directory.write("templates/greeting.txt", "Subject: 生日快乐\n\n{{contact.name}}，生日快乐！\n")
        try directory.write("templates/heads-up.txt", "{{contact.name}} 的生日是 {{date}}\n")
        try directory.write("templates/thanks.txt", "谢谢，{{contact.name}}\n")
        return (directory, try directory.write("etc/tickler.yaml", configuration))
    }

    static let configuration = """
        timezone: Asia/Shanghai
        state: ../var/tickler.sqlite
        contacts: [../contacts.yaml]
        templates: ../templates
        owners:
          li.na: { name: 李娜, email: li.na@example.com }
          nora: { name: Nora Jones, email: nora@example.com, timezone: America/New_York }
        channels:
          out: { type: file, path: ../out }
        rules:
          - { name: greeting, date: birthday, to: contact, channel: out, template: greeting }
          - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: heads-up }
          - { name: thanks, after: purchase, delay: 1d, at: "10:00", to: contact, channel: out, template: thanks }

        """

    static let now = "2027-03-10T00:00:00+08:00"
    static let fields: Set<String> = ["key", "rule", "contact", "to", "recipient", "channel", "due"]

    private func tickler(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(arguments: arguments + ["--config", config], currentDirectory: directory.path)
    }

    /// `upcoming --format json` parsed with Foundation's parser; every object must have exactly the
    /// SPEC's fields, all strings.
    private func json(now: String = Self.now, days: Int = 7) throws -> [[String: String]] {
        let result = try tickler("upcoming", "--now", now, "--days", String(days), "--format", "json")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let array = try #require(parsed as? [Any], "not a JSON array: \(result.stdout)")
        return try array.map { element in
            let object = try #require(element as? [String: Any], "not an object: \(element)")
            #expect(Set(object.keys) == Self.fields)
            return try object.mapValues { value in try #require(value as? String, "not a string: \(value)") }
        }
    }

    private func row(_ key: String, _ to: String, _ recipient: String, _ due: String) -> [String: String] {
        let parts = key.split(separator: "/").map(String.init)
        return [
            "key": key, "rule": parts[0], "contact": parts[1], "to": to, "recipient": recipient, "channel": "out",
            "due": due,
        ]
    }

    // MARK: - JSON

    @Test func jsonIsTheSPECsShapeSortedByDueThenKey() throws {
        #expect(
            try json() == [
                row("heads-up/bo/2027-03-11", "owner", "li.na", "2027-03-11T09:00:00+08:00"),
                // Shanghai's 11 March, at 09:00 in New York where Nora reads it.
                row("heads-up/zhang/2027-03-11", "owner", "nora", "2027-03-11T09:00:00-05:00"),
                // Same instant: by key, not by the order of the contacts file.
                row("greeting/bo/2027-03-14", "contact", "bo", "2027-03-14T09:00:00+08:00"),
                row("greeting/zhang/2027-03-14", "contact", "zhang", "2027-03-14T09:00:00+08:00"),
                // The smallest key, but the latest instant (09:00 in Kathmandu is 03:15 UTC).
                row("greeting/al/2027-03-14", "contact", "al", "2027-03-14T09:00:00+05:45"),
            ])
    }

    @Test func nothingDueIsAnEmptyArray() throws {
        let result = try tickler("upcoming", "--now", "2027-04-01T00:00:00+08:00", "--format", "json")
        #expect(result.status == 0)
        #expect(result.stdout == "[]\n")
        #expect(try json(now: "2027-04-01T00:00:00+08:00") == [])
    }

    @Test func theWindowIncludesNowAndExcludesNowPlusNDays() throws {
        // 09:00 Shanghai on 14 March is exactly now: in.
        #expect(
            try json(now: "2027-03-14T09:00:00+08:00", days: 1).map { $0["key"]! } == [
                "greeting/bo/2027-03-14", "greeting/zhang/2027-03-14", "greeting/al/2027-03-14",
            ])
        // …and exactly now + 1 day: out. Al's 09:00 in Kathmandu is later still.
        #expect(try json(now: "2027-03-13T09:00:00+08:00", days: 1) == [])
        // One second later the window reaches it.
        #expect(
            try json(now: "2027-03-13T09:00:01+08:00", days: 1).map { $0["key"]! } == [
                "greeting/bo/2027-03-14", "greeting/zhang/2027-03-14",
            ])
        // Seven days are 7 × 24 hours.
        let greetings = { (now: String) in try json(now: now, days: 7).filter { $0["rule"] == "greeting" } }
        #expect(try greetings("2027-03-07T09:00:00+08:00") == [])
        #expect(
            try greetings("2027-03-07T09:00:01+08:00").map { $0["key"]! } == [
                "greeting/bo/2027-03-14", "greeting/zhang/2027-03-14",
            ])
    }

    // MARK: - The state store

    @Test func deliveredOccurrencesAreLeftOut() throws {
        do {
            let store = try SQLiteStore.open(path: directory.path("var/tickler.sqlite"))
            try store.recordDelivered(
                key: "greeting/bo/2027-03-14", rule: "greeting", contact: "bo", channel: "out", due: 0, at: 0)
            // Delivered keys of other days, or of other rules, hide nothing else.
            try store.recordDelivered(
                key: "greeting/bo/2026-03-14", rule: "greeting", contact: "bo", channel: "out", due: 0, at: 0)
        }
        let keys = try json().map { $0["key"]! }
        #expect(
            keys == [
                "heads-up/bo/2027-03-11", "heads-up/zhang/2027-03-11", "greeting/zhang/2027-03-14",
                "greeting/al/2027-03-14",
            ])
    }

    @Test func withoutAStoreNothingIsCreated() throws {
        for format in ["table", "json", "ics"] {
            #expect(try tickler("upcoming", "--now", Self.now, "--format", format).status == 0)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("var")))
    }

    /// Every file in `var/` (the store, and its WAL and shared-memory files if any) with its bytes
    /// and modification time.
    private func snapshot() throws -> [String: (Data, Date)] {
        var files: [String: (Data, Date)] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path("var")) {
            let path = directory.path("var/" + name)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            files[name] = (
                try Data(contentsOf: URL(fileURLWithPath: path)), try #require(attributes[.modificationDate] as? Date)
            )
        }
        return files
    }

    @Test func anExistingStoreIsReadButNotChanged() throws {
        #expect(try tickler("event", "add", "zhang", "purchase", "--at", "2027-03-10T15:00:00+08:00").status == 0)
        do {
            let store = try SQLiteStore.open(path: directory.path("var/tickler.sqlite"))
            try store.recordDelivered(
                key: "greeting/bo/2027-03-14", rule: "greeting", contact: "bo", channel: "out", due: 0, at: 0)
        }
        let before = try snapshot()
        #expect(before.keys.contains("tickler.sqlite"))
        // File times have a resolution of a few milliseconds or more: make a write show.
        Thread.sleep(forTimeInterval: 0.05)
        for format in ["table", "json", "ics"] {
            let result = try tickler("upcoming", "--now", Self.now, "--format", format)
            #expect(result.status == 0)
            #expect(result.stdout.contains("thanks/zhang/1") || format == "table")
            #expect(!result.stdout.contains("greeting/bo/"))
        }
        let after = try snapshot()
        for (name, (bytes, modified)) in before {
            #expect(after[name]?.0 == bytes, "\(name) changed")
            #expect(after[name]?.1 == modified, "\(name) was written")
        }
        // A reader may leave SQLite's shared-memory index and an empty write-ahead log behind, but
        // nothing else, and no log with anything in it.
        for (name, (bytes, _)) in after where before[name] == nil {
            #expect(name == "tickler.sqlite-shm" || (name == "tickler.sqlite-wal" && bytes.isEmpty), "\(name) created")
        }
    }

    @Test func recordedEventsShowUpAsAfterOccurrences() throws {
        let added = try tickler("event", "add", "zhang", "purchase", "--at", "2027-03-10T15:00:00+08:00")
        #expect(added.stdout == "recorded event 1: purchase for zhang at 2027-03-10T15:00:00+08:00\n")
        let second = try tickler("event", "add", "al", "purchase", "--at", "2027-03-12T23:00:00+05:45")
        #expect(second.status == 0)
        let thanks = try json().filter { $0["rule"] == "thanks" }
        #expect(
            thanks == [
                // The next day in the contact's zone, at 10:00 there.
                row("thanks/zhang/1", "contact", "zhang", "2027-03-11T10:00:00+08:00"),
                row("thanks/al/2", "contact", "al", "2027-03-13T10:00:00+05:45"),
            ])
    }

    // MARK: - Table

    /// Terminal columns of a scalar as Markus Kuhn's `wcwidth` counts them, written out here so the
    /// test does not trust the code it checks.
    static func wcwidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let wide =
            v >= 0x1100
            && (v <= 0x115F || v == 0x2329 || v == 0x232A || (0x2E80...0xA4CF).contains(v) && v != 0x303F
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE6F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x2FFFD).contains(v)
                || (0x30000...0x3FFFD).contains(v))
        return wide ? 2 : 1
    }

    /// A table line's cells (separated by two or more spaces) with the display column each starts at.
    static func cells(_ line: Substring) -> [(column: Int, text: String)] {
        var cells: [(column: Int, text: String)] = []
        var column = 0
        var spaces = 0
        for scalar in line.unicodeScalars {
            if scalar == " " {
                spaces += 1
            } else {
                if cells.isEmpty || spaces >= 2 {
                    cells.append((column, ""))
                } else if spaces == 1 {
                    cells[cells.count - 1].text += " "
                }
                spaces = 0
                cells[cells.count - 1].text.unicodeScalars.append(scalar)
            }
            column += wcwidth(scalar)
        }
        return cells
    }

    @Test func theTableShowsLocalTimesRelativeDaysAndAlignsChineseNames() throws {
        let result = try tickler("upcoming", "--now", Self.now)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "ends with a line break")
        let rows = lines.dropLast().map(Self.cells)
        #expect(
            rows.map { $0.map(\.text) } == [
                ["DUE", "WHEN", "RULE", "CONTACT", "TO", "CHANNEL"],
                ["2027-03-11 09:00 +08:00", "in 1 day", "heads-up", "欧阳娜娜 (bo)", "owner 李娜", "out"],
                ["2027-03-11 09:00 -05:00", "in 1 day", "heads-up", "张伟 (zhang)", "owner Nora Jones", "out"],
                ["2027-03-14 09:00 +08:00", "in 4 days", "greeting", "欧阳娜娜 (bo)", "contact", "out"],
                ["2027-03-14 09:00 +08:00", "in 4 days", "greeting", "张伟 (zhang)", "contact", "out"],
                ["2027-03-14 09:00 +05:45", "in 4 days", "greeting", "Al (al)", "contact", "out"],
            ])
        // Every column starts at the same display column on every line, two columns after the widest
        // cell before it.
        let starts = try #require(rows.first).map(\.column)
        for (index, row) in rows.enumerated() {
            #expect(row.map(\.column) == starts, "line \(index + 1): \(lines[index])")
        }
        for column in 1..<starts.count {
            let widest = rows.map { $0[column - 1].text.unicodeScalars.reduce(0) { $0 + Self.wcwidth($1) } }.max()!
            #expect(starts[column] == starts[column - 1] + widest + 2)
        }
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func theTableOfNothingSaysSo() throws {
        let result = try tickler("upcoming", "--now", "2027-04-01T00:00:00+08:00")
        #expect(result.status == 0)
        #expect(result.stdout == "nothing due\n")
    }

    // MARK: - iCalendar

    /// Parses an iCalendar file with Python's `icalendar` (Debian's python3-icalendar, installed
    /// by bin/setup) and prints what a calendar application would read, as JSON.
    static let parser = """
        import json, sys
        import icalendar
        with open(sys.argv[1], 'rb') as f:
            calendar = icalendar.Calendar.from_ical(f.read())
        errors = [str(e) for c in calendar.walk() for e in c.errors]
        events = [
            {
                'uid': str(e['UID']),
                'start': e.decoded('DTSTART').isoformat(),
                'summary': str(e['SUMMARY']),
                'description': str(e['DESCRIPTION']),
            }
            for e in calendar.walk('VEVENT')
        ]
        components = [c.name for c in calendar.subcomponents]
        print(json.dumps({'version': str(calendar['VERSION']), 'errors': errors, 'events': events,
                          'components': components}))
        """

    /// What `icalendar` reads from the file at `path`.
    private func parseWithPython(_ path: String) throws -> [String: Any] {
        let python = "/usr/bin/python3"
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "no \(python): install python3-icalendar (bin/setup)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", Self.parser, path]
        let output = Pipe()
        let errors = directory.path("python.stderr")
        try #require(FileManager.default.createFile(atPath: errors, contents: nil))
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        try #require(process.terminationStatus == 0, "python3 failed (is python3-icalendar installed?): \(stderr)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theICalendarFeedIsValidRFC5545() throws {
        try directory.write(
            "contacts.yaml",
            #"""
            - { id: smith, name: 'Smith, John; R\D', birthday: --03-14, owner: nora }
            - { id: zhang, name: 上海艾克美机械有限公司总经理张伟先生, birthday: 1980-03-14, owner: li.na }

            """#)
        let result = try tickler("upcoming", "--now", Self.now, "--format", "ics")
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let bytes = Array(result.stdout.utf8)

        // CRLF ends every line, and no line is longer than 75 octets.
        #expect(bytes.suffix(2) == [13, 10])
        var lines: [[UInt8]] = [[]]
        for (index, byte) in bytes.enumerated() {
            if byte == 10 {
                #expect(index > 0 && bytes[index - 1] == 13, "bare LF at octet \(index)")
                lines.append([])
            } else if byte != 13 {
                lines[lines.count - 1].append(byte)
            } else {
                #expect(index + 1 < bytes.count && bytes[index + 1] == 10, "bare CR at octet \(index)")
            }
        }
        lines.removeLast()
        for line in lines {
            #expect(line.count <= 75, "\(line.count) octets: \(String(decoding: line, as: UTF8.self))")
            // Folding never splits a UTF-8 sequence: each physical line is valid UTF-8 by itself.
            #expect(String(validating: line, as: UTF8.self) != nil)
        }
        // Some line was folded (the long Chinese name), so the check above saw continuation lines.
        #expect(lines.contains { $0.first == 32 })

        // TEXT escaping, seen after unfolding.
        let unfolded = result.stdout.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        #expect(unfolded.contains(#"SUMMARY:heads-up: Smith\, John\; R\\D (smith)"#))
        #expect(unfolded.contains("DESCRIPTION:To owner Nora Jones via out\\nKey: heads-up/smith/2027-03-11"))

        // A real parser reads back exactly the keys, times and names.
        let file = try directory.write("upcoming.ics", result.stdout)
        let parsed = try parseWithPython(file)
        #expect(parsed["version"] as? String == "2.0")
        #expect((parsed["errors"] as? [String]) == [])
        let events = try #require(parsed["events"] as? [[String: String]])
        #expect(
            events == [
                [
                    "uid": "heads-up/zhang/2027-03-11", "start": "2027-03-11T01:00:00+00:00",
                    "summary": "heads-up: 上海艾克美机械有限公司总经理张伟先生 (zhang)",
                    "description": "To owner 李娜 via out\nKey: heads-up/zhang/2027-03-11",
                ],
                [
                    "uid": "heads-up/smith/2027-03-11", "start": "2027-03-11T14:00:00+00:00",
                    "summary": #"heads-up: Smith, John; R\D (smith)"#,
                    "description": "To owner Nora Jones via out\nKey: heads-up/smith/2027-03-11",
                ],
                [
                    "uid": "greeting/smith/2027-03-14", "start": "2027-03-14T01:00:00+00:00",
                    "summary": #"greeting: Smith, John; R\D (smith)"#,
                    "description": "To contact via out\nKey: greeting/smith/2027-03-14",
                ],
                [
                    "uid": "greeting/zhang/2027-03-14", "start": "2027-03-14T01:00:00+00:00",
                    "summary": "greeting: 上海艾克美机械有限公司总经理张伟先生 (zhang)",
                    "description": "To contact via out\nKey: greeting/zhang/2027-03-14",
                ],
            ])
    }

    @Test func anEmptyFeedStillHoldsAComponent() throws {
        // Nothing falls due in a day: RFC 5545 still wants one component in the calendar.
        let result = try tickler("upcoming", "--now", "2027-04-01T00:00:00+08:00", "--days", "1", "--format", "ics")
        #expect(result.status == 0)
        #expect(!result.stdout.contains("BEGIN:VEVENT"))
        let parsed = try parseWithPython(try directory.write("empty.ics", result.stdout))
        #expect((parsed["errors"] as? [String]) == [])
        #expect((parsed["events"] as? [[String: String]]) == [])
        #expect((parsed["components"] as? [String]) == ["VTIMEZONE"])
    }

    @Test func listingLoadsNoLibcurl() throws {
        // libcurl and the thirty libraries it needs are opened only to deliver (CCurl.h): the
        // dynamic loader's list of what it loads for `upcoming` has none of them.
        let result = try TicklerProcess.run(
            arguments: ["upcoming", "--now", Self.now, "--config", config], environment: ["LD_DEBUG": "libs"],
            currentDirectory: directory.path)
        #expect(result.status == 0)
        #expect(result.stderr.contains("calling init: "), "LD_DEBUG printed nothing: \(result.stderr.prefix(300))")
        #expect(!result.stderr.contains("libcurl"))
    }

    // MARK: - Bad input

    @Test func aTimeThatIsNotRFC3339IsAnError() throws {
        let result = try tickler("upcoming", "--now", "yesterday")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                tickler: error: invalid time 'yesterday'
                tickler: note: write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'

                """)
    }

    @Test func aTimeWithoutAnOffsetIsAnError() throws {
        let result = try tickler("upcoming", "--now", "2027-03-10T00:00:00")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tickler: error: invalid time '2027-03-10T00:00:00'\n"))
    }

    @Test(arguments: ["0", "3661"])
    func daysOutOfRangeIsAnError(days: String) throws {
        let result = try tickler("upcoming", "--days", days)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "tickler: error: --days must be from 1 to 3660, not \(days)\n")
    }

    @Test func everyBadOptionIsReportedAtOnce() throws {
        let result = try tickler("upcoming", "--days", "0", "--now", "tomorrow")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: --days must be from 1 to 3660, not 0
                tickler: error: invalid time 'tomorrow'
                tickler: note: write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'

                """)
    }

    @Test func anUnknownFormatIsAUsageError() throws {
        let result = try tickler("upcoming", "--format", "xml")
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("'xml'"))
    }

    @Test func aConfigurationWithErrorsListsThemAll() throws {
        try directory.write(
            "etc/tickler.yaml",
            Self.configuration.replacingOccurrences(of: "timezone: Asia/Shanghai", with: "timezone: Asia/Shangai")
                .replacingOccurrences(of: "before: [3d]", with: "befor: [3d]"))
        let result = try tickler("upcoming", "--now", Self.now)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                \(config):1:11: error: unknown time zone 'Asia/Shangai'
                \(config):1:11: note: did you mean 'Asia/Shanghai'?
                \(config):12:39: error: unknown key 'befor' in rule 'heads-up'
                \(config):12:39: note: did you mean 'before'?
                tickler: error: \(config): 2 errors found

                """)
    }

    @Test func helpShowsExamples() throws {
        let result = try TicklerProcess.run(arguments: ["upcoming", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("tickler upcoming --days 30 --format json"))
    }
}
