import HTTPTypes
import HummingbirdCore
import TicklerCore
import TicklerDaemon
import TicklerReports
import TicklerStore

/// `/u/TOKEN`: the unsubscribe link of an email to a contact. The token is the credential (signed
/// with the store's secret), so no other is asked for. `POST` — the one click of RFC 8058
/// (`List-Unsubscribe=One-Click`) or the page's button — records an event `unsubscribed` for the
/// contact (`resubscribed` with `action=resubscribe`), unless that is already the contact's state;
/// `GET` shows the page with the button.
extension Routes {
    static let unsubscribePrefix = "/u/"
    /// The source of the events the links record.
    static let unsubscribeSource = "unsubscribe-link"

    func unsubscribe(_ call: Call) async throws(Problem) -> Response {
        let loaded = try loaded()
        let language = loaded.workspace.config.language
        let token = String(call.path.dropFirst(Self.unsubscribePrefix.count))
        guard let links = dependencies.state.unsubscribeLinks, let contact = links.contact(fromToken: token) else {
            return .text(
                UnsubscribePage.html(.invalid, language: language, name: nil), status: .notFound,
                type: "text/html; charset=utf-8")
        }
        let name = loaded.schedule.contacts.first { $0.id == contact }?.name
        let unsubscribed: Bool
        do throws(StoreError) {
            unsubscribed = try isUnsubscribed(contact)
        } catch {
            throw storeProblem(error)
        }
        var state: UnsubscribePage.State = unsubscribed ? .unsubscribed : .confirm
        if call.method == .post {
            let form = Self.query(String(decoding: call.body, as: UTF8.self))
            let wanted = form["action"] == "resubscribe" ? Event.resubscribedType : Event.unsubscribedType
            state = wanted == Event.resubscribedType ? .resubscribed : .unsubscribed
            if (wanted == Event.unsubscribedType) != unsubscribed {
                let event = IncomingEvent(contact: contact, type: wanted, at: dependencies.now())
                if case .failure(let error) = await committer.record(
                    EventBatch(source: Self.unsubscribeSource, events: [event]))
                {
                    throw storeProblem(error)
                }
                logger.info("\(wanted)", metadata: ["contact": "\(contact)"])
            }
        }
        return .text(
            UnsubscribePage.html(state, language: language, name: name), type: "text/html; charset=utf-8")
    }

    /// Whether the contact is unsubscribed, as the schedule decides it (``EventIndex/unsubscription(of:)``:
    /// the latest `unsubscribed`/`resubscribed` event by time, then in the store's order).
    private func isUnsubscribed(_ contact: String) throws(StoreError) -> Bool {
        EventIndex(try dependencies.store.events(contact: contact, type: nil)).unsubscription(of: contact) != nil
    }
}
