import TicklerCore
import TicklerStore

/// Digests (SPEC "Digests"). When a digest falls due it takes what is due for its owner's day as
/// things stand then (events recorded since it was planned may have added some), less what the
/// outbox has already; it goes into the outbox with those occurrences, `bundled`, in one
/// transaction: a crash after it re-sends at most the digest (same key, same Message-ID), never an
/// item on its own. An item that falls due while its digest is still ahead waits for it; one whose
/// digest is in the outbox already (it became due after the digest went out) goes on its own.
extension Daemon {
    /// The outbox entries for `due`, digests first; `nil` when the store could not be read.
    func digestItems(_ due: [Occurrence], now: Int64) -> [OutboxItem]? {
        let digests = due.filter { if case .digest = $0.detail { true } else { false } }
        let marked = Set(due.compactMap(\.digest))
        var items: [OutboxItem] = []
        items.reserveCapacity(due.count)
        var carried = Set<String>()
        var offered = Set<String>()
        var inOutbox: Set<String> = []
        let read = attempt("read the outbox") { () throws(StoreError) in
            guard !digests.isEmpty || !marked.isEmpty else { return }
            inOutbox = try store.outboxKeys(among: Array(Set(digests.map(\.key)).union(marked)))
            for planned in digests where !inOutbox.contains(planned.key) && offered.insert(planned.key).inserted {
                guard var digest = loaded.schedule.digest(planned.key, history: history, now: now),
                    case .digest(let found) = digest.detail
                else { continue }
                let present = try store.outboxKeys(among: found.map(\.key))
                let bundle = found.filter { !present.contains($0.key) }
                guard !bundle.isEmpty else { continue }
                digest.detail = .digest(items: bundle)
                let entry = outboxItem(digest, now: now)
                items.append(entry)
                for occurrence in bundle {
                    let state: OutboxItem.State =
                        switch entry.state {
                        case .pending, .bundled: .bundled(digest: digest.key)
                        case .missed(let reason): .missed(reason: "in \(digest.key): \(reason)")
                        case .failed(let reason): .failed(reason: "in \(digest.key): \(reason)")
                        }
                    items.append(item(occurrence, message: nil, state: state))
                    carried.insert(occurrence.key)
                }
                logger.info("digest", metadata: ["key": "\(digest.key)", "items": "\(bundle.count)"])
            }
        }
        guard read else { return nil }
        for occurrence in due where !carried.contains(occurrence.key) {
            if case .digest = occurrence.detail { continue }
            if let key = occurrence.digest, !inOutbox.contains(key), !offered.contains(key),
                let (owner, day) = Schedule.parseDigestKey(key),
                let digest = loaded.schedule.digestOccurrence(owner: owner, day: day, items: []), digest.due > now
            {
                continue  // its digest, still ahead, carries it
            }
            items.append(outboxItem(occurrence, now: now))
        }
        return items
    }

    /// Plans the digests that occurrences planned again (after events) belong to: an owner who had
    /// nothing due that day had none. A digest planned twice goes out once (the outbox has its key).
    func planDigests(of planned: [Occurrence]) {
        var seen = Set<String>()
        for occurrence in planned {
            guard let key = occurrence.digest, seen.insert(key).inserted,
                let (owner, day) = Schedule.parseDigestKey(key),
                let digest = loaded.schedule.digestOccurrence(owner: owner, day: day, items: []),
                digest.due >= watermark
            else { continue }
            agenda.insert(digest)
        }
    }
}
