import Foundation
import TicklerTestSupport

/// A daemon test's world with the HTTP service on: `DaemonWorkspace` plus an `http:` block on a
/// free loopback port, three tokens (`crm` writes, `ops` reads, `zendesk` signs per Standard
/// Webhooks), and a client — curl, a real one — for its requests.
final class HTTPWorkspace {
    let workspace: DaemonWorkspace
    var daemon: DaemonProcess?
    /// `127.0.0.1:PORT` once the server listens.
    private(set) var address = ""

    static let crmToken = "crm-token-5f1d9a"
    static let opsToken = "ops-token-77c2e0"
    static let signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let environment = [
        "TEST_CRM_TOKEN": crmToken, "TEST_OPS_TOKEN": opsToken, "TEST_SIGNING_SECRET": signingSecret,
    ]

    static let http = """
        http:
          listen: 127.0.0.1:0
          public_url: https://tickler.example.com
          tokens:
            crm: { token_env: TEST_CRM_TOKEN, scope: write }
            ops: { token_env: TEST_OPS_TOKEN, scope: read }
            zendesk: { secret_env: TEST_SIGNING_SECRET, scope: write }
        """

    static let rules = """
          - { name: thank-you, after: purchase, delay: 0s, to: contact, channel: out, template: thanks }
          - { name: call-back, after: callback-requested, delay: 2h, unless: callback-done, to: owner, channel: out, template: heads-up }
        """

    init(
        contacts: Int = 3, rules: String = HTTPWorkspace.rules, extra: String = "",
        state: String = "../var/tickler.sqlite"
    ) throws {
        workspace = try DaemonWorkspace(
            contacts: contacts, channels: "  out: { type: file, path: ../var/out }", rules: rules,
            extra: Self.http + "\n" + extra, state: state)
    }

    /// Starts `tickler run` and waits for the server to listen and the daemon to plan.
    @discardableResult
    func start(environment: [String: String] = [:]) async throws -> DaemonProcess {
        let daemon = try DaemonProcess(
            arguments: ["run", "--config", workspace.config, "--log-level", "debug"],
            environment: Self.environment.merging(environment) { _, new in new }, log: workspace.logPath)
        let line = try await daemon.waitForLog(containing: "msg=\"http listening\" address=")
        address = String(line.split(separator: " ").last?.dropFirst("address=".count) ?? "")
        try await daemon.waitForLog(containing: "msg=started")
        self.daemon = daemon
        return daemon
    }

    func url(_ path: String) -> String { "http://\(address)\(path)" }

    struct Answer: CustomStringConvertible {
        var status: Int
        var headers: [String: String]
        var body: String

        var description: String { "\(status) \(headers) \(body)" }

        /// The body as JSON (Foundation's parser).
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
        }
    }

    /// A request with curl; headers as `Name: value`.
    func request(
        _ method: String, _ path: String, headers: [String] = [], body: [UInt8]? = nil, bearer: String? = nil
    ) throws -> Answer {
        var arguments = ["-sS", "-i", "-X", method, "--max-time", "30"]
        var all = headers
        if let bearer { all.append("Authorization: Bearer \(bearer)") }
        for header in all { arguments += ["-H", header] }
        if body != nil { arguments += ["--data-binary", "@-"] }
        arguments.append(url(path))
        let output = try Self.run("/usr/bin/curl", arguments, input: body ?? [])
        return try Self.parse(output)
    }

    /// `POST /v1/events` with a JSON body, as `crm` unless told otherwise.
    func post(_ json: String, bearer: String? = HTTPWorkspace.crmToken, headers: [String] = []) throws -> Answer {
        try request(
            "POST", "/v1/events", headers: ["Content-Type: application/json"] + headers, body: Array(json.utf8),
            bearer: bearer)
    }

    func get(_ path: String, bearer: String? = HTTPWorkspace.opsToken) throws -> Answer {
        try request("GET", path, bearer: bearer)
    }

    static func parse(_ output: [UInt8]) throws -> Answer {
        let text = String(decoding: output, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw DaemonWorkspace.Failure(description: "no HTTP answer: \(text)")
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Runs a program, feeding `input`; returns its standard output, throws with its errors.
    static func run(_ program: String, _ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        try Subprocess.run(program, arguments, input: input)
    }

    /// A Python script run by the virtual environment's interpreter (which has `standardwebhooks`
    /// and sees Debian's packages), with the server's address as its first argument.
    func python(_ script: String, _ arguments: [String] = []) throws -> String {
        String(
            decoding: try Self.run(VenvPython.path, ["-c", script, address] + arguments), as: UTF8.self)
    }
}
