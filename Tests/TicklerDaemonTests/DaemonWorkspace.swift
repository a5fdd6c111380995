import Foundation
import TicklerCore
import TicklerMessages
import TicklerStore
import TicklerTestSupport

/// One daemon test's world: a temporary directory with `etc/tickler.yaml`, `etc/contacts.yaml`,
/// `templates/` and the state store in `var/`, plus the commands a user would run against it.
///
///     let workspace = try DaemonWorkspace(channels: "out: { type: file, path: ../var/out }", rules: "…")
///     let daemon = try await workspace.startDaemon()
///     let id = try workspace.addEvent("c1", "purchase")
final class DaemonWorkspace {
    let directory: TemporaryDirectory
    /// `etc/tickler.yaml`.
    let config: String
    /// `var/tickler.sqlite`.
    let statePath: String
    /// The daemon's log; every daemon started here appends to it.
    let logPath: String
    /// The contacts files `etc/tickler.yaml` names.
    let contactFiles: [String]
    /// What `state:` says.
    let state: String

    static let from = "Service <service@example.com>"

    /// - Parameters:
    ///   - contacts: how many contacts (`c1`, `c2`, …, each with an email address and owner `li.na`).
    ///   - csvContacts: how many more in `etc/contacts.csv` (`m1`, `m2`, …, with a note of 60 bytes
    ///     each: 40,000 make a file of 4.6 MB, which is read on every core); none when 0.
    ///   - channels: the body of `channels:`, indented by the caller as YAML under it (two spaces).
    ///   - rules: the body of `rules:`.
    ///   - extra: more top-level settings (`catch_up: …`).
    ///   - state: the `state:` line's value (the SQLite file in `var/` unless a test shares a database).
    init(
        contacts: Int = 1, csvContacts: Int = 0, channels: String, rules: String, extra: String = "",
        state: String = "../var/tickler.sqlite"
    ) throws {
        self.state = state
        directory = try TemporaryDirectory()
        config = directory.path("etc/tickler.yaml")
        statePath = directory.path("var/tickler.sqlite")
        logPath = directory.path("daemon.log")
        var list = ""
        for number in 1...contacts {
            list += "- { id: c\(number), name: Customer \(number), email: c\(number)@example.com, owner: li.na }\n"
        }
        try directory.write("etc/contacts.yaml", list)
        contactFiles = csvContacts > 0 ? ["contacts.yaml", "contacts.csv"] : ["contacts.yaml"]
        if csvContacts > 0 {
            let note = String(repeating: "n", count: 60)
            var rows = ["id,name,email,owner,note"]
            for number in 1...csvContacts {
                rows.append("m\(number),Customer \(number),m\(number)@example.com,li.na,\(note)")
            }
            try directory.write("etc/contacts.csv", rows.joined(separator: "\n") + "\n")
        }
        try directory.write(
            "templates/thanks.txt", "Subject: Thank you, {{contact.name}}\n\nThank you for your order.\n")
        try directory.write("templates/heads-up.txt", "Subject: {{contact.name}} bought\n\nCall {{contact.name}}.\n")
        try writeConfig(channels: channels, rules: rules, extra: extra)
    }

    /// Short waits between retries, so that tests of them take seconds.
    static let retry = "{ first: 1s, max: 2s, give_up: 30s }"

    /// The whole configuration text for these channels and rules.
    static func configText(
        channels: String, rules: String, extra: String = "", retry: String = retry,
        contactFiles: [String] = ["contacts.yaml"], state: String = "../var/tickler.sqlite"
    ) -> String {
        """
        timezone: Asia/Shanghai
        language: en
        state: \(state)
        contacts: [\(contactFiles.joined(separator: ", "))]
        templates: ../templates
        retry: \(retry)
        \(extra)
        owners:
          li.na: { name: Li Na, email: li.na@example.com }
        channels:
        \(channels)
        rules:
        \(rules)

        """
    }

    /// Writes `etc/tickler.yaml` (in place: the same file, truncated and written).
    func writeConfig(channels: String, rules: String, extra: String = "", retry: String = retry) throws {
        try writeInPlace(
            config,
            Self.configText(
                channels: channels, rules: rules, extra: extra, retry: retry, contactFiles: contactFiles, state: state))
    }

    /// Overwrites the file at `path` in place (no rename), as `echo … > file` does.
    func writeInPlace(_ path: String, _ text: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Runs `tickler ARGUMENTS --config etc/tickler.yaml`.
    @discardableResult
    func tickler(_ arguments: String..., environment: [String: String] = [:]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try TicklerProcess.run(arguments: arguments + ["--config", config], environment: environment)
    }

    /// Starts `tickler run` and waits until it has planned and armed its timer (`msg=started`).
    func startDaemon(environment: [String: String] = [:]) async throws -> DaemonProcess {
        let daemon = try DaemonProcess(arguments: ["run", "--config", config], environment: environment, log: logPath)
        try await daemon.waitForLog(containing: "msg=started")
        return daemon
    }

    /// Records an event with `tickler event add` (at `at`, else now) and returns its id.
    @discardableResult
    func addEvent(_ contact: String, _ type: String, at: Int64? = nil) throws -> String {
        var arguments = ["event", "add", contact, type]
        if let at { arguments += ["--at", Timestamp.format(at, offset: 0)] }
        let result = try TicklerProcess.run(arguments: arguments + ["--config", config])
        guard result.status == 0, let id = result.stdout.split(separator: " ").dropFirst(2).first?.dropLast() else {
            throw Failure(description: "tickler event add failed (\(result.status)): \(result.stderr)")
        }
        return String(id)
    }

    /// Records an event straight into the store, as a program other than `tickler` might (`tickler
    /// event add` refuses to run while `tickler.yaml` has errors); returns its id.
    @discardableResult
    func recordEvent(_ contact: String, _ type: String) throws -> String {
        try SQLiteStore.open(path: statePath).addEvent(contact: contact, type: type, at: SQLiteStore.now()).id
    }

    /// The lines of the daemon's log (every run's) that contain `text`.
    func logLines(containing text: String) -> [Substring] {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(text) }
    }

    /// The state store, opened for reading (as `tickler status` opens it).
    func store() throws -> SQLiteStore {
        try SQLiteStore.openForReading(path: statePath)
    }

    /// Outbox entries in `state`, on every channel.
    func count(_ state: OutboxState) throws -> Int {
        try store().status(now: SQLiteStore.now()).count(state)
    }

    /// The rows of `tickler status`'s OUTBOX table: state, channel, count.
    func statusCounts() throws -> [[String]] {
        let result = try tickler("status")
        guard result.status == 0 else { throw Failure(description: "tickler status failed: \(result.stderr)") }
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "OUTBOX") else { return [] }
        return lines[(start + 2)...].prefix { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
    }

    /// The files the `file` channel wrote into `var/NAME`, by name (hidden temporaries left out).
    func files(in name: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path("var/" + name))) ?? []
        return Set(names.filter { !$0.hasPrefix(".") })
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}

extension SMTPSink {
    /// The Message-ID header of every message received, in arrival order.
    func messageIDs() throws -> [String] {
        try messages().map { message in
            let text = String(decoding: message.bytes, as: UTF8.self)
            let header = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            return header.first { $0.lowercased().hasPrefix("message-id:") }.map {
                $0.dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces)
            } ?? ""
        }
    }
}

/// The Message-ID Tickler derives from an occurrence key, for mail from `DaemonWorkspace.from`.
func messageID(_ key: String) -> String {
    MailComposer.messageID(key: key, domain: "example.com")
}

/// The `time=` of a daemon log line.
func logTime(_ line: Substring) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let field = line.split(separator: " ").first, field.hasPrefix("time="),
        let date = formatter.date(from: String(field.dropFirst(5)))
    else { throw DaemonWorkspace.Failure(description: "no time in the log line \(line)") }
    return date
}
