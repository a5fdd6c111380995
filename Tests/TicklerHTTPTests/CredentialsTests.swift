import Crypto
import Testing
import TicklerCore
import TicklerMessages

@testable import TicklerHTTP

@Suite struct CredentialsTests {
    static let settings = HTTPSettings(
        listen: HTTPSettings.defaultListen,
        tokens: [
            "crm": HTTPToken(
                name: "crm", credential: .bearer(.environment("CRM")), scope: .write, location: .file("t")),
            "ops": HTTPToken(name: "ops", credential: .bearer(.environment("OPS")), scope: .read, location: .file("t")),
            "zd": HTTPToken(
                name: "zd", credential: .signingSecret(.environment("ZD")), scope: .write, location: .file("t")),
        ], location: .file("t"))
    static let environment = ["CRM": "crm-secret", "OPS": "ops-secret", "ZD": "whsec_c2VjcmV0LWtleS1ieXRlcw=="]

    func credentials() throws -> Credentials {
        try Credentials.read(Self.settings, environment: Self.environment).get()
    }

    @Test func bearerTokensFindTheirNameAndScope() throws {
        let credentials = try credentials()
        #expect(try credentials.bearer("crm-secret").get().name == "crm")
        #expect(try credentials.bearer("ops-secret").get().scope == .read)
        #expect(throws: Credentials.Refusal.wrong) { try credentials.bearer("crm-secre").get() }
        // A signing secret is not a bearer token.
        #expect(throws: Credentials.Refusal.wrong) { try credentials.bearer("whsec_c2VjcmV0LWtleS1ieXRlcw==").get() }
    }

    @Test func aMissingSecretNamesTheTokenAndTheVariableNotAValue() {
        guard case .failure(let problem) = Credentials.read(Self.settings, environment: ["CRM": "x", "OPS": "y"]) else {
            Issue.record("read without ZD")
            return
        }
        #expect(problem.message.contains("token 'zd'") && problem.message.contains("'ZD'"))
        #expect(!problem.message.contains("x"))
    }

    @Test func standardWebhooksSignaturesAreVerifiedWithinFiveMinutes() throws {
        let credentials = try credentials()
        let body = Array(#"{"contact":"c1","type":"purchase"}"#.utf8)
        let now: Int64 = 1_800_000_000
        let signature = WebhookSignature.standardWebhooks(
            id: "msg_1", timestamp: now, body: body, secret: Self.environment["ZD"]!)
        #expect(
            try credentials.signed(id: "msg_1", timestamp: "\(now)", signature: signature, body: body, now: now + 299)
                .get().name == "zd")
        // Several signatures (a secret being rotated): any one that matches.
        #expect(
            (try? credentials.signed(
                id: "msg_1", timestamp: "\(now)", signature: "v1,AAAA " + signature, body: body, now: now
            ).get()) != nil)
        for (id, timestamp, at, changed) in [
            ("msg_2", now, now, body), ("msg_1", now, now + 301, body), ("msg_1", now, now - 301, body),
            ("msg_1", now, now, body + [32]), ("msg_1", now + 1, now, body),
        ] {
            let result = credentials.signed(
                id: id, timestamp: "\(timestamp)", signature: signature, body: changed, now: at)
            guard case .failure(.badSignature) = result else {
                Issue.record("accepted \(id) \(timestamp) at \(at)")
                continue
            }
        }
    }

    @Test func constantTimeEqualityComparesEveryByte() {
        #expect(Credentials.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Credentials.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Credentials.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!Credentials.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}
