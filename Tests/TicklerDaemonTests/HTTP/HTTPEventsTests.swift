import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// `POST /v1/events` against a real server: what is recorded, what is refused, and that nothing
/// invalid ever reaches the store.
@Suite struct HTTPEventsTests {
    @Test func recordsOneEventOrABatchIdempotentlyAndTheDaemonReactsWithinASecond() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let answer = try http.post(#"{"contact": "c1", "type": "purchase", "id": "order-1", "note": "合同 #118"}"#)
        #expect(answer.status == 201, "\(answer)")
        let events = try #require((try answer.json() as? [String: Any])?["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events[0]["id"] as? String == "order-1")
        #expect(events[0]["duplicate"] as? Bool == false)
        let number = try #require(events[0]["number"] as? Int)
        // The thank-you (delay 0s) is written by the file channel within a second of the answer.
        try await Poll.until("the thank-you", timeout: .seconds(5)) {
            http.workspace.files(in: "out").contains { $0.contains("thank-you") }
        }
        // Measured by the daemon's own log: from the answer to the delivery.
        let daemon = try #require(http.daemon)
        let answered = try logTime(try #require(daemon.logLines(containing: "route=/v1/events status=201").first))
        let delivered = try logTime(try await daemon.waitForLog(containing: "msg=delivered "))
        #expect(delivered.timeIntervalSince(answered) < 1.0)

        // The same id again records nothing and answers the first number.
        let again = try http.post(#"{"contact": "c1", "type": "purchase", "id": "order-1"}"#)
        #expect(again.status == 201)
        let repeated = try #require((try again.json() as? [String: Any])?["events"] as? [[String: Any]])
        #expect(repeated[0]["duplicate"] as? Bool == true)
        #expect(repeated[0]["number"] as? Int == number)

        let batch = try http.post(
            #"[{"contact": "c2", "type": "purchase", "id": "b-1"}, {"contact": "c3", "type": "callback-requested"}]"#)
        #expect(batch.status == 201, "\(batch)")
        let numbers = try #require((try batch.json() as? [String: Any])?["events"] as? [[String: Any]])
        #expect(numbers.count == 2)
        #expect(numbers[1]["id"] is NSNull)

        let stored = try http.workspace.store().listedEvents(contact: nil, type: nil)
        #expect(stored.count == 3)
        #expect(stored.allSatisfy { $0.source == "crm" })
        #expect(stored.first { $0.event.contact == "c1" }?.event.note == "合同 #118")
        let list = try http.workspace.tickler("event", "list")
        #expect(list.stdout.contains("SOURCE"))
        let sources = list.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ")[4] }
        #expect(sources == ["crm", "crm", "crm"], "\(list.stdout)")
    }

    @Test func anInvalidItemRefusesTheWholeRequestWithAPointerToEveryProblem() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let answer = try http.post(
            #"[{"contact": "c1", "type": "purchase"}, {"contact": "c3x", "type": "purchse"}, {"contcat": "c1", "type": "purchase", "at": "tomorrow"}, 7, {"contact": 5, "type": "purchase", "id": ""}]"#
        )
        #expect(answer.status == 422, "\(answer)")
        #expect(answer.headers["content-type"] == "application/problem+json")
        let problem = try #require(try answer.json() as? [String: Any])
        #expect(problem["status"] as? Int == 422)
        let errors = try #require(problem["errors"] as? [[String: String]])
        let byPointer = Dictionary(errors.map { ($0["pointer"] ?? "", $0["detail"] ?? "") }) { a, _ in a }
        #expect(byPointer["/1/contact"]?.contains("did you mean 'c3'?") == true, "\(errors)")
        #expect(byPointer["/1/type"]?.contains("did you mean 'purchase'?") == true)
        #expect(byPointer["/2/contcat"]?.contains("did you mean 'contact'?") == true)
        #expect(byPointer["/2/at"]?.contains("RFC 3339") == true)
        #expect(byPointer["/3"]?.contains("must be an object") == true)
        #expect(byPointer["/4/contact"]?.contains("must be text") == true)
        #expect(byPointer["/4/id"] != nil)
        #expect(byPointer["/0/contact"] == nil)
        // Nothing of the request was recorded, not even its valid first item.
        #expect(try http.workspace.store().listedEvents(contact: nil, type: nil).isEmpty)
    }

    @Test func malformedDeeplyNestedAndOversizeBodiesAreRefusedAndTheServerGoesOn() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let cut = try http.post(#"{"contact": "c1", "type": "purch"#)
        #expect(cut.status == 400)
        #expect(cut.body.contains("malformed JSON at byte 32: the JSON ends inside a string"), "\(cut)")

        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let nested = try http.post(deep)
        #expect(nested.status == 400, "\(nested)")
        #expect(nested.body.contains("nested more than"))

        let wrongType = try http.post(#"{"contact": ["c1"], "type": true}"#)
        #expect(wrongType.status == 422)

        let notJSON = try http.request(
            "POST", "/v1/events", headers: ["Content-Type: text/plain"], body: Array("c1 purchase".utf8),
            bearer: HTTPWorkspace.crmToken)
        #expect(notJSON.status == 415)

        let big =
            Array(#"{"contact": "c1", "type": "purchase", "note": ""#.utf8)
            + [UInt8](repeating: UInt8(ascii: "x"), count: 11 << 20) + Array(#""}"#.utf8)
        let oversize = try http.request(
            "POST", "/v1/events", headers: ["Content-Type: application/json"], body: big, bearer: HTTPWorkspace.crmToken
        )
        #expect(oversize.status == 413, "\(oversize.status)")

        let unknown = try http.get("/v1/nothing")
        #expect(unknown.status == 404)
        let wrongMethod = try http.request("PUT", "/v1/events", bearer: HTTPWorkspace.crmToken)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "POST")

        #expect(try http.get("/healthz", bearer: nil).status == 200)
        #expect(try http.workspace.store().listedEvents(contact: nil, type: nil).isEmpty)
    }

    @Test func credentialsAreCheckedAndAReadTokenCannotWrite() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let event = #"{"contact": "c1", "type": "purchase"}"#
        let none = try http.post(event, bearer: nil)
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"]?.contains("Bearer") == true)
        #expect(try http.post(event, bearer: "not-a-token").status == 401)
        #expect(try http.post(event, bearer: HTTPWorkspace.opsToken).status == 403)
        #expect(try http.get("/v1/status", bearer: nil).status == 401)
        #expect(try http.get("/v1/status", bearer: HTTPWorkspace.crmToken).status == 200)
        let basic = try http.request(
            "GET", "/v1/status",
            headers: ["Authorization: Basic " + Data("anyone:\(HTTPWorkspace.opsToken)".utf8).base64EncodedString()])
        #expect(basic.status == 200)
        let wrongBasic = try http.request(
            "GET", "/v1/status", headers: ["Authorization: Basic " + Data("anyone:guess".utf8).base64EncodedString()])
        #expect(wrongBasic.status == 401)
        #expect(try http.workspace.store().listedEvents(contact: nil, type: nil).isEmpty)
        // No token ever reaches the log.
        let log = http.daemon?.log() ?? ""
        #expect(
            !log.contains(HTTPWorkspace.crmToken) && !log.contains(HTTPWorkspace.opsToken) && !log.contains("guess"))
    }

    /// Signed with the `standardwebhooks` package, as a help desk signs its webhooks.
    @Test func standardWebhooksSignedRequestsAreVerified() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let script = """
            import sys, json, time, urllib.request, urllib.error
            from datetime import datetime, timezone
            from standardwebhooks.webhooks import Webhook
            address, secret = sys.argv[1], sys.argv[2]
            def send(msg_id, offset, body, sign_with):
                ts = int(time.time()) + offset
                sig = Webhook(sign_with).sign(msg_id, datetime.fromtimestamp(ts, tz=timezone.utc), body)
                req = urllib.request.Request("http://" + address + "/v1/events", data=body.encode(), method="POST",
                    headers={"Content-Type": "application/json", "webhook-id": msg_id,
                             "webhook-timestamp": str(ts), "webhook-signature": sig})
                try:
                    r = urllib.request.urlopen(req)
                    return [r.status, json.loads(r.read())]
                except urllib.error.HTTPError as e:
                    return [e.code, json.loads(e.read())]
            body = json.dumps({"contact": "c2", "type": "callback-requested", "note": "回电"})
            out = [send("msg_2Kx1", 0, body, secret), send("msg_2Kx1", 0, body, secret),
                   send("msg_late", -360, body, secret), send("msg_forged", 0, body, "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUE="),
                   send("msg_future", 400, body, secret)]
            print(json.dumps(out))
            """
        let output = try http.python(script, [HTTPWorkspace.signingSecret])
        let results = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Any]])
        #expect(results.map { $0[0] as? Int } == [201, 201, 401, 401, 401], "\(output)")
        let first = try #require(((results[0][1] as? [String: Any])?["events"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == "msg_2Kx1")
        let second = try #require(((results[1][1] as? [String: Any])?["events"] as? [[String: Any]])?.first)
        #expect(second["duplicate"] as? Bool == true)
        let stored = try http.workspace.store().listedEvents(contact: nil, type: nil)
        #expect(stored.map(\.source) == ["zendesk"])
        let metrics = try http.get("/metrics", bearer: nil).body
        #expect(metrics.contains("tickler_webhook_signature_failures_total 3"))
        #expect(metrics.contains(#"tickler_events_received_total{source="zendesk"} 1"#))
    }
}
