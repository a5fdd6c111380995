import Foundation
import HTTPTypes
import HummingbirdCore
import TicklerCore
import TicklerDaemon
import TicklerInput
import TicklerReports
import TicklerStore

extension Routes {
    static let endpoints: [String: Endpoint] = [
        "/": Endpoint(methods: [.get: .read]) { routes, _ throws(Problem) in try routes.statusPage() },
        "/healthz": Endpoint(methods: [.get: .open]) { _, _ in .text("ok\n") },
        "/readyz": Endpoint(methods: [.get: .open]) { routes, _ throws(Problem) in try routes.ready() },
        "/metrics": Endpoint(methods: [.get: .open]) { routes, _ throws(Problem) in try routes.metrics() },
        "/v1/events": Endpoint(methods: [.post: .write]) { routes, call throws(Problem) in
            try await routes.recordEvents(call)
        },
        "/v1/upcoming": Endpoint(methods: [.get: .read]) { routes, call throws(Problem) in
            try routes.upcoming(call, calendar: false)
        },
        "/v1/upcoming.ics": Endpoint(methods: [.get: .read]) { routes, call throws(Problem) in
            try routes.upcoming(call, calendar: true)
        },
        "/v1/status": Endpoint(methods: [.get: .read]) { routes, _ throws(Problem) in try routes.status() },
        "/v1/history": Endpoint(methods: [.get: .read]) { routes, call throws(Problem) in try routes.history(call) },
    ]

    /// The unsubscribe links, under ``unsubscribePrefix``.
    static let unsubscribeEndpoint = Endpoint(methods: [.get: .open, .post: .open]) {
        routes, call throws(Problem) in try await routes.unsubscribe(call)
    }

    /// The endpoint of `path` and the name it is logged under (an unsubscribe link's without its
    /// token); `404` for any other path.
    static func endpoint(for path: String) throws(Problem) -> (String, Endpoint) {
        if let endpoint = endpoints[path] { return (path, endpoint) }
        if path.hasPrefix(unsubscribePrefix), path.count > unsubscribePrefix.count {
            return (unsubscribePrefix + "…", unsubscribeEndpoint)
        }
        throw Problem(.notFound, "there is nothing at \(QuotedToken(path)); see the README's API section")
    }

    /// The loaded configuration, or `503` while the daemon is still starting.
    func loaded() throws(Problem) -> DaemonState.Loaded {
        guard let loaded = dependencies.state.loaded else {
            throw Problem(
                .serviceUnavailable, "the configuration is being loaded and the schedule planned; try again shortly",
                headers: [.retryAfter: "1"])
        }
        return loaded
    }

    func storeProblem(_ error: StoreError) -> Problem {
        logger.error("http: the store failed", metadata: ["error": "\(error.message)"])
        return Problem(
            .serviceUnavailable, "the state store does not answer: \(error.message)", headers: [.retryAfter: "5"])
    }

    func ready() throws(Problem) -> Response {
        guard dependencies.state.loaded != nil else {
            return .text("not ready: the configuration is being loaded\n", status: .serviceUnavailable)
        }
        do throws(StoreError) {
            try dependencies.store.ping()
        } catch {
            return .text("not ready: the state store does not answer: \(error.message)\n", status: .serviceUnavailable)
        }
        return .text("ready\n")
    }

    func metrics() throws(Problem) -> Response {
        let now = dependencies.now()
        var status: OutboxStatus?
        var counts: [String: Int] = [:]
        do throws(StoreError) {
            status = try dependencies.store.status(now: now, limit: 0)
            counts = try dependencies.store.eventCountsBySource()
        } catch {
            throw storeProblem(error)
        }
        let text = MetricsText.render(
            state: dependencies.state, status: status, eventCounts: counts, signatureFailures: signatureFailureCount,
            now: now, shared: dependencies.store as? any SharedStore)
        return .text(text, type: "text/plain; version=0.0.4; charset=utf-8")
    }

    func recordEvents(_ call: Call) async throws(Problem) -> Response {
        let type = call.headers[.contentType]?.lowercased() ?? ""
        let mediaType = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw Problem(.unsupportedMediaType, "send the events as JSON, with 'Content-Type: application/json'")
        }
        let loaded = try loaded()
        let json: JSONValue
        switch JSONParser.parse(call.body) {
        case .success(let value): json = value
        case .failure(let failure):
            throw Problem(.badRequest, "malformed JSON at byte \(failure.offset): \(failure.message)")
        }
        let signedID = call.headers[.authorization] == nil ? call.headers[HTTPField.Name("webhook-id")!] : nil
        let events: [IncomingEvent]
        switch EventRequest.read(
            json, checks: eventChecks(loaded), now: dependencies.now(), webhookID: signedID)
        {
        case .success(let checked): events = checked
        case .failure(let found):
            let problems = found.items
            let count = problems.count
            throw Problem(
                .unprocessableContent,
                "\(count) \(count == 1 ? "problem" : "problems") in the events; nothing was recorded", errors: problems)
        }
        let source = call.token?.name ?? "unknown"
        let recorded: [RecordedEvent]
        switch await committer.record(EventBatch(source: source, events: events)) {
        case .success(let answers): recorded = answers
        case .failure(let error): throw storeProblem(error)
        }
        let items: [JSONDocument] = zip(events, recorded).map { event, answer in
            .object([
                ("number", .number(answer.number)), ("id", .string(event.senderID)),
                ("duplicate", .bool(answer.duplicate)),
            ])
        }
        return .json(.object([("events", .array(items))]), status: .created)
    }

    func upcoming(_ call: Call, calendar: Bool) throws(Problem) -> Response {
        let loaded = try loaded()
        let query = call.query
        var days = 7
        if let text = query["days"] {
            guard let number = Int(text), (1...3660).contains(number) else {
                throw Problem(.badRequest, "days must be a whole number from 1 to 3660, not \(QuotedToken(text))")
            }
            days = number
        }
        var start = dependencies.now()
        if let text = query["now"] {
            guard let instant = Timestamp.parse(text) else {
                throw Problem(
                    .badRequest,
                    "now must be an RFC 3339 time with its offset, e.g. '2026-11-22T09:00:00+08:00', not \(QuotedToken(text))"
                )
            }
            start = instant
        }
        let only: Set<Int32>?
        do throws(UnknownID) {
            only = try ReportQueries.contactFilter(
                owner: query["owner"], contact: query["contact"], schedule: loaded.schedule,
                config: loaded.workspace.config)
        } catch {
            throw Self.problem(error)
        }
        let scheduled: ScheduledOccurrences
        do throws(StoreError) {
            scheduled = try ReportQueries.upcoming(
                loaded.schedule, store: dependencies.store, in: start..<(start + Int64(days) * 86_400), now: start,
                only: only)
        } catch {
            throw storeProblem(error)
        }
        if calendar {
            let listing = OccurrenceListing(scheduled.occurrences, workspace: loaded.workspace, now: start)
            return .text(listing.iCalendar, type: "text/calendar; charset=utf-8")
        }
        var bytes: [UInt8] = []
        scheduled.writeJSON { bytes.append(contentsOf: $0) }
        return .bytes(bytes, headers: [.contentType: "application/json"])
    }

    /// An unknown owner or contact as a `400` with the nearest id.
    static func problem(_ unknown: UnknownID) -> Problem {
        Problem(.badRequest, unknown.message + (unknown.nearest.map { "; did you mean '\($0)'?" } ?? ""))
    }

    func status() throws(Problem) -> Response {
        let loaded = try loaded()
        let now = dependencies.now()
        do throws(StoreError) {
            let status = try dependencies.store.status(now: now, limit: 20)
            let next = try ReportQueries.next(loaded.schedule, store: dependencies.store, now: now)
            return .text(
                StatusReport.json(status, next: next, zone: loaded.workspace.config.zoneRules), type: "application/json"
            )
        } catch {
            throw storeProblem(error)
        }
    }

    func history(_ call: Call) throws(Problem) -> Response {
        let loaded = try loaded()
        var limit = 100
        if let text = call.query["limit"] {
            guard let number = Int(text), number >= 0 else {
                throw Problem(.badRequest, "limit must be a whole number, not \(QuotedToken(text))")
            }
            limit = number
        }
        let contact = call.query["contact"]
        if let contact {
            do throws(UnknownID) {
                _ = try ReportQueries.contactIndex(contact, in: loaded.schedule)
            } catch {
                throw Self.problem(error)
            }
        }
        do throws(StoreError) {
            let entries = try dependencies.store.history(contact: contact, limit: limit)
            return .text(HistoryReport.json(entries, zone: loaded.workspace.config.zoneRules), type: "application/json")
        } catch {
            throw storeProblem(error)
        }
    }
}
