import Foundation
import TicklerCore
import TicklerInput
import TicklerStore

/// The body of `POST /v1/events` checked item by item: one object or an array of them, each with
/// `contact`, `type`, and optionally `at`, `note` and `id`. Every problem is collected, with a JSON
/// Pointer to the value at fault, so the sender can fix them all at once.
struct EventRequest {
    struct Problem: Sendable, Equatable {
        /// RFC 6901: `/2/contact`; `""` for the whole body.
        var pointer: String
        var detail: String
    }

    /// Every problem of a request.
    struct Problems: Error {
        var items: [Problem]
    }

    static let keys = ["contact", "type", "at", "note", "id"]
    static let maximumItems = 10_000
    static let maximumIDLength = 200

    /// The events to record, or every problem found.
    static func read(
        _ body: JSONValue, checks: EventChecks, now: Int64, webhookID: String?
    ) -> Result<[IncomingEvent], Problems> {
        var problems: [Problem] = []
        var events: [IncomingEvent] = []
        switch body {
        case .object:
            if let event = item(body, pointer: "", checks: checks, now: now, defaultID: webhookID, problems: &problems)
            {
                events.append(event)
            }
        case .array(let items):
            if items.isEmpty { problems.append(Problem(pointer: "", detail: "the array holds no events")) }
            if items.count > maximumItems {
                return .failure(
                    Problems(items: [
                        Problem(
                            pointer: "",
                            detail:
                                "\(items.count) events in one request; at most \(maximumItems), send the rest in another"
                        )
                    ]))
            }
            for (index, value) in items.enumerated() {
                let id = webhookID.map { "\($0)/\(index)" }
                if let event = item(
                    value, pointer: "/\(index)", checks: checks, now: now, defaultID: id, problems: &problems)
                {
                    events.append(event)
                }
            }
        default:
            problems.append(
                Problem(
                    pointer: "",
                    detail: "the body must be an event object or an array of them, not \(body.kindDescription)"))
        }
        return problems.isEmpty ? .success(events) : .failure(Problems(items: problems))
    }

    private static func item(
        _ value: JSONValue, pointer: String, checks: EventChecks, now: Int64, defaultID: String?,
        problems: inout [Problem]
    ) -> IncomingEvent? {
        guard case .object(let members) = value else {
            problems.append(
                Problem(pointer: pointer, detail: "an event must be an object, not \(value.kindDescription)"))
            return nil
        }
        let before = problems.count
        var fields: [String: JSONValue] = [:]
        for (key, value) in members {
            if keys.contains(key) {
                fields[key] = value
            } else {
                let hint =
                    Suggestion.nearest(to: key, in: keys).map { "; did you mean '\($0)'?" }
                    ?? "; an event has \(keys.joined(separator: ", "))"
                problems.append(
                    Problem(pointer: pointer + "/" + escape(key), detail: "unknown key \(QuotedToken(key))\(hint)"))
            }
        }
        func text(_ key: String, required: Bool) -> String? {
            switch fields[key] {
            case .string(let text)?: return text
            case nil, .null?:
                if required { problems.append(Problem(pointer: pointer + "/" + key, detail: "missing '\(key)'")) }
                return nil
            case let other?:
                problems.append(
                    Problem(pointer: pointer + "/" + key, detail: "'\(key)' must be text, not \(other.kindDescription)")
                )
                return nil
            }
        }
        func report(_ key: String, _ problem: EventChecks.Problem) {
            // Not the note naming the server's configuration file.
            let notes = problem.notes.filter { !$0.hasPrefix("contacts come from") }
            let detail = ([problem.message] + notes).joined(separator: "; ")
            problems.append(Problem(pointer: pointer + "/" + key, detail: detail))
        }
        let contact = text("contact", required: true)
        if let contact, let problem = checks.contactProblem(contact) { report("contact", problem) }
        let type = text("type", required: true)
        if let type {
            if let problem = checks.typeProblem(type) {
                report("type", problem)
            } else if let warning = checks.typeWarning(type) {
                // A near miss of a type the rules react to is a typo: refused rather than recorded unseen.
                report("type", warning)
            }
        }
        var at = now
        if let text = text("at", required: false) {
            switch checks.time(text) {
            case .success(let instant): at = instant
            case .failure(let problem): report("at", problem)
            }
        }
        let note = text("note", required: false)
        var id = text("id", required: false)
        if let given = id {
            if given.isEmpty || given.count > maximumIDLength {
                problems.append(
                    Problem(pointer: pointer + "/id", detail: "'id' must be 1 to \(maximumIDLength) characters"))
            } else if given.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append(Problem(pointer: pointer + "/id", detail: "'id' must not contain control characters"))
            }
        } else {
            id = defaultID
        }
        if let note, note.utf8.contains(0) {
            problems.append(Problem(pointer: pointer + "/note", detail: "'note' must not contain a NUL character"))
        }
        guard problems.count == before, let contact, let type else { return nil }
        return IncomingEvent(
            contact: contact, type: type, at: at, note: note.flatMap { $0.isEmpty ? nil : $0 }, senderID: id)
    }

    /// A key as a JSON Pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
