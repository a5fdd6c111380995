import Foundation
import TicklerCore

/// What every ``StateStore`` decides the same way, whatever its database: which texts it can hold,
/// what an event id means for the sequence, how a rendered message is stored and read back, and the
/// errors that say an outbox entry is not in the state a call needs. ``SQLiteStore`` and the
/// PostgreSQL store share them, so the conformance suite holds both to the same words.
public enum StoreRules {
    /// Whether any of `texts` contains U+0000, which neither SQLite's C strings nor PostgreSQL's
    /// `text` can hold.
    public static func hasNUL(_ texts: String?...) -> Bool {
        texts.contains { $0?.utf8.contains(0) == true }
    }

    /// An event with U+0000 in it, refused by the store named `place`.
    public static func nulError(place: String) -> StoreError {
        StoreError(
            .invalidEvent, "cannot store an event containing a NUL character in the state store '\(place)'",
            note: "remove the U+0000 character from the event's id, contact, type or note")
    }

    /// The number a plain decimal id stands for (`"250"` → 250): ASCII digits, no leading zero, at
    /// most 18 digits (so the sequence cannot overflow). `nil` for any other id.
    public static func sequenceNumber(ofID id: String) -> Int64? {
        let digits = id.utf8
        guard (1...18).contains(digits.count),
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.count == 1 || digits.first != UInt8(ascii: "0")
        else { return nil }
        return Int64(id)
    }

    /// An import with an empty id, refused by the store named `place`.
    public static func emptyIDError(place: String) -> StoreError {
        StoreError(
            .invalidEvent, "cannot import an event with an empty id into the state store '\(place)'",
            note: "leave the id out (nil) to have the store assign one")
    }

    /// An import whose `ids` name other events in the store named `place`.
    public static func conflictError(_ ids: [String], place: String) -> StoreError {
        let shown = ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
        let subject = ids.count == 1 ? "event id \(shown) is" : "\(ids.count) event ids (\(shown)) are"
        return StoreError(
            .conflictingEvents,
            "\(subject) already used by other events in the state store '\(place)'; nothing was imported",
            note:
                "an id names one event: re-importing it with the same contact, type, time and note is skipped, "
                + "anything else is refused; plain numbers are also the ids Tickler assigns, so prefix ids "
                + "from elsewhere, e.g. 'crm-17'",
            eventIDs: ids)
    }

    // MARK: - The daemon's marks

    /// The `meta` entry of the daemon's watermark (`scheduled_through`).
    public static let scheduledThroughName = "scheduled_through"

    /// The watermark stored as `text` in the store named `place`; `nil` before the first run.
    public static func watermark(_ text: String?, place: String) throws(StoreError) -> Int64? {
        guard let text else { return nil }
        guard let instant = Int64(text) else {
            throw StoreError(
                .damaged, "the state store '\(place)' holds an unreadable '\(scheduledThroughName)' value",
                note: "delete that row of the 'meta' table; the daemon then schedules from now")
        }
        return instant
    }

    // MARK: - The outbox

    /// Outbox counts in the order `status` shows them: by state as ``OutboxState`` lists them,
    /// then by channel.
    public static func reportOrder(_ counts: [OutboxStatus.Count]) -> [OutboxStatus.Count] {
        let order = Dictionary(uniqueKeysWithValues: OutboxState.allCases.enumerated().map { ($1, $0) })
        return counts.sorted { a, b in a.state != b.state ? order[a.state]! < order[b.state]! : a.channel < b.channel }
    }

    public static func unknownKey(_ key: String) -> StoreError {
        StoreError(.unknownKey, "no outbox entry has the key '\(key)'", note: "enqueue the occurrence first")
    }

    /// An attempt to begin on an entry that is delivered, failed, missed or bundled.
    public static func cannotAttemptAgain(_ key: String, state: OutboxState) -> StoreError {
        StoreError(
            .wrongState, "cannot attempt to deliver '\(key)' again: it is \(state.rawValue)",
            note: "an entry that was delivered, failed or missed is never sent again")
    }

    /// The end of an attempt that is not the entry's attempt in flight.
    public static func cannotFinish(_ key: String, attempt: Int, state: OutboxState, attempts: Int) -> StoreError {
        let current = state == .sending ? "attempt \(attempts) is in flight" : "it is \(state.rawValue)"
        return StoreError(
            .wrongState, "cannot record the end of attempt \(attempt) of '\(key)': \(current)",
            note: "an attempt's end is recorded once, by the process that began it")
    }

    /// The stored form of a rendered message (JSON), for the outbox entry `key` of the store `place`.
    public static func storedMessage(_ message: RenderedMessage?, key: String, place: String) throws(StoreError)
        -> String?
    {
        guard let message else { return nil }
        do {
            return String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        } catch {
            throw StoreError(.failed, "cannot store the message of '\(key)' in '\(place)': \(error)")
        }
    }

    /// The stored JSON read back; a message another version wrote in another shape is reported, not
    /// thrown, so one such entry cannot hold up the rest of the outbox.
    public static func message(_ json: String?) -> OutboxWork.Message {
        guard let json else { return .none }
        do {
            return .rendered(try JSONDecoder().decode(RenderedMessage.self, from: Data(json.utf8)))
        } catch let DecodingError.keyNotFound(key, context) {
            return .unreadable("the stored message has no '\(codingPath(context.codingPath + [key]))'")
        } catch let DecodingError.valueNotFound(_, context), let DecodingError.typeMismatch(_, context) {
            return .unreadable("the stored message has an unexpected value at '\(codingPath(context.codingPath))'")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            return .unreadable("the stored message has an unexpected value at '\(codingPath(context.codingPath))'")
        } catch {
            return .unreadable("the stored message is not valid JSON")
        }
    }

    private static func codingPath(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// The state, reason and digest an entry starts with.
    public static func initialState(of item: OutboxItem) -> (state: OutboxState, reason: String?, digest: String?) {
        switch item.state {
        case .pending: (.pending, nil, nil)
        case .missed(let reason): (.missed, reason, nil)
        case .failed(let reason): (.failed, reason, nil)
        case .bundled(let digest): (.bundled, nil, digest)
        }
    }
}
