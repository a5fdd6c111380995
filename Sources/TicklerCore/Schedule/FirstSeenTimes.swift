import Foundation

/// When each contact was first seen, in seconds since the epoch: an `every` rule's clock starts
/// there for a contact with no interaction yet (SPEC "every").
///
/// A daemon reads a million of them at every start and looks each contact up twice (is it new?
/// when does its clock start?). A `[String: Int64]` makes a `String` per row, hashes each with
/// SipHash, and moves everything each time it grows. Here the ids' bytes lie one after another,
/// with an open-addressing table of their positions; they are added and looked up by their bytes,
/// hashed a word at a time, and compared byte for byte (contact ids are ASCII, so that is how
/// `String` compares them).
public struct FirstSeenTimes: Sendable {
    /// The ids one after another; id `i` ends at `ends[i]` and starts where the one before ends.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var times: [Int64] = []
    private var hashes: [UInt64] = []
    /// By slot: an id's index + 1, or 0 for an empty slot. Never more than half full.
    private var table = [UInt32](repeating: 0, count: 16)

    public init() {}

    /// Room for `count` ids without growing.
    public init(minimumCapacity count: Int) {
        reserveCapacity(count)
    }

    public init(_ times: [String: Int64]) {
        reserveCapacity(times.count)
        for (id, at) in times { insert(id, at: at) }
    }

    public var count: Int { times.count }
    public var isEmpty: Bool { times.isEmpty }

    /// Every id and its time, as a dictionary (for tests and small listings).
    public var dictionary: [String: Int64] {
        var result: [String: Int64] = [:]
        for index in times.indices { result[String(decoding: id(index), as: UTF8.self)] = times[index] }
        return result
    }

    public subscript(id: String) -> Int64? {
        var id = id
        return id.withUTF8 { self[bytes: $0] }
    }

    public subscript(bytes id: UnsafeBufferPointer<UInt8>) -> Int64? {
        find(id, hash: Self.hash(id)).map { times[$0] }
    }

    /// The time of `id`. `hint` is where to look first and is left after the id found: ids asked
    /// in the order they were added (a contacts file sorted as the store reads them, as the daemon
    /// checks it and plans it) cost one comparison each instead of a hash and a probe of the table.
    public func time(of id: UnsafeBufferPointer<UInt8>, hint: inout Int) -> Int64? {
        if hint < times.count, same(hint, id) {
            hint += 1
            return times[hint - 1]
        }
        guard let index = find(id, hash: Self.hash(id)) else { return nil }
        hint = index + 1
        return times[index]
    }

    /// The time of `id`, looked for from `hint` (``time(of:hint:)-(UnsafeBufferPointer<UInt8>,_)``).
    public func time(of id: String, hint: inout Int) -> Int64? {
        var id = id
        return id.withUTF8 { time(of: $0, hint: &hint) }
    }

    /// Gives `id` the time `at`, unless it has one already.
    public mutating func insert(_ id: String, at: Int64) {
        var id = id
        id.withUTF8 { insert(bytes: $0, at: at) }
    }

    /// Gives the id whose UTF-8 bytes are `id` the time `at`, unless it has one already. `isNew`:
    /// the caller knows it has none (the rows of a table whose key is the id), so it is not looked for.
    public mutating func insert(bytes id: UnsafeBufferPointer<UInt8>, at: Int64, isNew: Bool = false) {
        let hash = Self.hash(id)
        guard isNew || find(id, hash: hash) == nil else { return }
        precondition(times.count < Int(UInt32.max) - 1, "more first-seen times than an index holds")
        bytes.append(contentsOf: id)
        ends.append(bytes.count)
        times.append(at)
        hashes.append(hash)
        if 2 * times.count > table.count {
            grow(to: table.count * 2)
        } else {
            place(times.count - 1)
        }
    }

    public mutating func reserveCapacity(_ count: Int) {
        ends.reserveCapacity(count)
        times.reserveCapacity(count)
        hashes.reserveCapacity(count)
        var capacity = table.count
        while capacity < 2 * count { capacity <<= 1 }
        if capacity > table.count { grow(to: capacity) }
    }

    private static func hash(_ id: UnsafeBufferPointer<UInt8>) -> UInt64 { ByteTable<Never>.spreadHash(id) }

    private func id(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    private func find(_ id: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] != 0 {
            let index = Int(table[slot]) - 1
            if hashes[index] == hash, same(index, id) { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private func same(_ index: Int, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = index == 0 ? 0 : ends[index - 1]
        guard ends[index] - start == id.count else { return false }
        return id.isEmpty
            || bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, id.baseAddress!, id.count) == 0 }
    }

    private mutating func place(_ index: Int) {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hashes[index]) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = UInt32(index + 1)
    }

    private mutating func grow(to capacity: Int) {
        table = [UInt32](repeating: 0, count: capacity)
        for index in times.indices { place(index) }
    }
}

extension FirstSeenTimes: Equatable {
    public static func == (a: FirstSeenTimes, b: FirstSeenTimes) -> Bool {
        a.count == b.count
            && a.times.indices.allSatisfy { index in
                a.id(index).withUnsafeBufferPointer { b[bytes: $0] } == a.times[index]
            }
    }
}

extension FirstSeenTimes: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Int64)...) {
        reserveCapacity(elements.count)
        for (id, at) in elements { insert(id, at: at) }
    }
}
