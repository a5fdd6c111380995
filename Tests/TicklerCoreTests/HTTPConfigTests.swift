import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// `http:` in `tickler.yaml`: read as written, every mistake reported where it is.
@Suite struct HTTPConfigTests {
    func parse(_ text: String) -> (config: Config?, lines: [String]) {
        let (config, diagnostics) = ConfigParser.parse(
            SourceText(path: "etc/tickler.yaml", text: "timezone: Asia/Shanghai\n" + text), zones: systemZones)
        return (config, diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) })
    }

    @Test func everyKeyIsRead() throws {
        let (config, lines) = parse(
            """
            http:
              listen: "[::1]:9000"
              public_url: https://tickler.example.com/
              tokens:
                crm: { token_env: CRM_TOKEN, scope: write }
                ops: { token_file: /run/secrets/ops, scope: read }
                zendesk: { secret_env: ZD_SECRET, scope: write }
            """)
        #expect(lines.isEmpty, "\(lines)")
        let http = try #require(config?.http)
        #expect(http.listen == ListenAddress(host: "::1", port: 9000))
        #expect(http.listen.description == "[::1]:9000")
        #expect(http.publicURL == "https://tickler.example.com")
        #expect(http.tokens["crm"]?.credential == .bearer(.environment("CRM_TOKEN")))
        #expect(http.tokens["ops"]?.credential == .bearer(.file("/run/secrets/ops")))
        #expect(http.tokens["ops"]?.scope == .read)
        #expect(http.tokens["zendesk"]?.credential == .signingSecret(.environment("ZD_SECRET")))
        #expect(parse("http: {}\n").config?.http?.listen == HTTPSettings.defaultListen)
        #expect(parse("").config?.http == nil)
    }

    @Test func mistakesAreReportedAtTheirPlaceWithTheNearestKey() {
        let (_, lines) = parse(
            """
            http:
              lisen: 127.0.0.1:80
              public_url: ftp://x
              tokens:
                crm: { token_env: CRM, scop: write }
                ops: { token_env: OPS, scope: reed }
                cli: { token_env: CLI, scope: read }
                both: { token_env: A, secret_env: B, scope: write }
                none: { scope: read }
            """)
        let expected = [
            "etc/tickler.yaml:3:3: error: unknown key 'lisen' in 'http'",
            "did you mean 'listen'?",
            "etc/tickler.yaml:4:15: error: invalid public_url 'ftp://x' in 'http'",
            "etc/tickler.yaml:6:28: error: unknown key 'scop' in token 'crm'",
            "etc/tickler.yaml:6:5: error: token 'crm' is missing 'scope'",
            "etc/tickler.yaml:7:35: error: invalid scope 'reed' in token 'ops'",
            "etc/tickler.yaml:8:5: error: the token name 'cli' is reserved",
            "etc/tickler.yaml:9:5: error: token 'both' has both a bearer token and a signing secret",
            "etc/tickler.yaml:10:5: error: token 'none' has no credential",
        ]
        for line in expected {
            #expect(lines.contains { $0.contains(line) }, "missing \(line) in \(lines)")
        }
        #expect(lines.contains { $0.contains("did you mean 'read'?") })
    }

    @Test(arguments: ["127.0.0.1", "host:99999", "[::1:80", "::1:80", ":80", "a b:80"])
    func anInvalidListenAddressIsAnError(text: String) {
        let (_, lines) = parse("http:\n  listen: \"\(text)\"\n")
        #expect(lines.first?.contains("etc/tickler.yaml:3:12: error: invalid listen address") == true, "\(lines)")
    }
}
