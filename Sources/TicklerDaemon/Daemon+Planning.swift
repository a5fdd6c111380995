import Foundation
import Logging
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerStore

/// Planning: what goes into the agenda, and what goes from it into the outbox.
extension Daemon {
    /// Plans `[horizon, now + horizonSpan)` as well.
    func extendHorizon(now: Int64) {
        let end = now + configuration.horizonSpan
        guard end > horizon else { return }
        agenda.insert(loaded.schedule.occurrences(in: horizon..<end, history: history, now: now))
        horizon = end
    }

    /// Plans everything again over `[watermark, horizon)`: after a reload.
    func replanAll(now: Int64) {
        agenda = Agenda(
            loaded.schedule.occurrences(in: min(watermark, horizon)..<horizon, history: history, now: now))
    }

    /// Plans the given contacts again, after `events` (ids) were recorded for them. Besides what lies
    /// ahead, an event recorded late can make an `after` occurrence due before the watermark: it goes
    /// out if it is within the rule's `catch_up` (and was not offered before — the outbox ignores a
    /// key it has), and is left alone when older, since it never was in the plan. Only the new
    /// events' occurrences are taken from the past: an older event's that were never offered (its
    /// rule came with a reload) stay unsent, whether or not the contact has new events.
    func replan(contacts: Set<String>, events new: Set<String>, now: Int64) {
        agenda.removeAll { contacts.contains($0.contact) }
        let indices = loaded.workspace.contacts.indices.filter { contacts.contains(loaded.workspace.contacts[$0].id) }
        guard !indices.isEmpty else { return }
        for rule in loaded.workspace.config.rules {
            // Only `after` rules hang on events: the others' past is what was planned before.
            let late: Bool = if case .after = rule.trigger { true } else { false }
            let limit = max(loaded.catchUp(of: rule.name), CatchUp.onTime)
            let earliest = late ? min(watermark, now - limit) : watermark
            guard earliest < horizon else { continue }
            let found = loaded.schedule.occurrences(
                of: rule, in: earliest..<horizon, history: history, now: now, contactIndices: indices)
            let planned = found.filter { occurrence in
                guard occurrence.due < watermark else { return true }
                guard case .after(let event, _, _) = occurrence.detail else { return false }
                return new.contains(event.id) && now - occurrence.due <= limit
            }
            agenda.insert(planned)
            planDigests(of: planned)
        }
    }

    /// Puts occurrences that fell due into the outbox in one transaction: rendered, or `missed` when
    /// later than their `catch_up`, or `failed` when their message cannot be rendered; a digest with
    /// the occurrences it carries (`bundled`), and without those it holds for a digest still ahead.
    /// Returns whether the store took them.
    func offer(_ due: [Occurrence], now: Int64) -> Bool {
        guard let items = digestItems(due, now: now) else { return false }
        return attempt("put due occurrences into the outbox") { () throws(StoreError) in
            let added = try store.enqueue(items, at: now)
            if !added.isEmpty {
                logger.debug("queued", metadata: ["count": "\(added.count)"])
                for item in items where item.state == .pending { mayHaveMore.insert(item.channel) }
            }
        }
    }

    /// The outbox entry of an occurrence that fell due: rendered, `missed` or `failed`.
    func outboxItem(_ occurrence: Occurrence, now: Int64) -> OutboxItem {
        let lateness = now - occurrence.due
        let limit = loaded.catchUp(of: occurrence.rule)
        let decision = CatchUp.decide(due: occurrence.due, offset: occurrence.offset, now: now, catchUp: limit)
        if case .missed(let reason) = decision {
            logger.warning(
                "missed",
                metadata: ["key": "\(occurrence.key)", "channel": "\(occurrence.channel)", "late_s": "\(lateness)"])
            return item(occurrence, message: nil, state: .missed(reason: reason))
        }
        let (message, diagnostics) = loaded.renderer.render(occurrence)
        if let message { return item(occurrence, message: message, state: .pending) }
        let reason = diagnostics.sorted.first?.message ?? "the message could not be rendered"
        logger.error("cannot render", metadata: ["key": "\(occurrence.key)", "error": "\(reason)"])
        return item(occurrence, message: nil, state: .failed(reason: reason))
    }

    func item(_ occurrence: Occurrence, message: RenderedMessage?, state: OutboxItem.State) -> OutboxItem {
        OutboxItem(
            key: occurrence.key, rule: occurrence.rule, contact: occurrence.contact, channel: occurrence.channel,
            due: occurrence.due, to: occurrence.to, recipient: occurrence.recipient, message: message, state: state)
    }

    /// Records contacts seen for the first time (the start of `every` rules' clocks).
    func recordFirstSeen(now: Int64) throws(StoreError) {
        // In the order of the store's index: a million new contacts (a first start) go in as appends.
        // By index, each id borrowed from its contact, looked for where the one before was found.
        let contacts = loaded.workspace.contacts
        var new: [String] = []
        var hint = 0
        for index in contacts.indices {
            let id = contacts[index].id
            if history.firstSeen.time(of: id, hint: &hint) == nil { new.append(id) }
        }
        guard !new.isEmpty else { return }
        new.sort()
        try store.recordFirstSeen(new, at: now)
        // They were not in the store when it was read, and only the daemon records them: kept as
        // recorded, rather than reading a million times back (no copy of the table is held
        // meanwhile, so it grows in place).
        history.firstSeen.reserveCapacity(history.firstSeen.count + new.count)
        for id in new { history.firstSeen.insert(id, at: now) }
    }

    /// Reads events recorded since the last look (by `tickler event add` or `import`, or at start-up)
    /// and returns them.
    @discardableResult
    func readNewEvents() throws(StoreError) -> [Event] {
        let (new, last) = try store.events(afterSequence: lastEventSequence)
        lastEventSequence = last
        guard !new.isEmpty else { return [] }
        events += new
        history.events = EventIndex(events)
        return new
    }

    /// The store changed: if it holds new events, plan their contacts again and fire at once.
    func checkEvents() {
        eventCheckScheduled = false
        lastEventCheck = DispatchTime.now().uptimeNanoseconds
        guard !stopping else { return }
        do throws(StoreError) {
            let new = try readNewEvents()
            guard !new.isEmpty else { return }
            let contacts = Set(new.map(\.contact))
            replan(contacts: contacts, events: Set(new.map(\.id)), now: clock.now())
            logger.info("events", metadata: ["contacts": "\(contacts.count)"])
            fire()
        } catch {
            logger.error("cannot read new events", metadata: ["error": "\(error.message)"])
        }
    }
}
