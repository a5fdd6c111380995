import Foundation
import TicklerCore

/// The ids of a workspace's contacts, to look up whether an event names one: the ids' bytes one
/// after another, and hash tables of where each starts. About 30 bytes an id, built in a fraction
/// of the time a `Set<String>` of a million ids takes (which hashes each `String` with SipHash and
/// grows its table several times), in parallel.
///
/// A look-up answers as `Set<String>.contains` would: Swift compares strings by canonical
/// equivalence, so an id given in another normalization form (a Kelvin sign for a `K`) is found;
/// the ids are kept, and looked up, in normalization form C (NFC). Contact ids are ASCII (the
/// readers accept nothing else), which NFC leaves as they are.
public struct ContactIDs: Sendable {
    /// The ids of some contacts, as a reader collects them: their bytes one after another, where
    /// each ends, and each one's hash.
    public struct Part: Sendable {
        var bytes: [UInt8] = []
        var ends: [UInt32] = []
        var hashes: [UInt64] = []

        public init() {}

        /// Adds the id whose UTF-8 bytes are `id` (in NFC).
        public mutating func append(_ id: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: id)
            ends.append(UInt32(bytes.count))  // a part is a block of a file or a few contacts' ids
            hashes.append(ContactIDs.hash(id))
        }

        /// Adds `id`.
        public mutating func append(_ id: String) {
            var normal = ContactIDs.normalized(id)
            normal.withUTF8 { append($0) }
        }

        public var count: Int { ends.count }
    }

    /// The ids one after another; id `i` ends at `ends[i]` and starts where the one before ends.
    private let bytes: [UInt8]
    private let ends: [Int]
    /// Open-addressing tables, one per share of the hashes (their top two bits): in each slot, the
    /// high half of an id's hash and its index + 1, or 0 for an empty slot.
    private let tables: [[UInt64]]
    /// Whether an id was added more than once.
    public let hasDuplicates: Bool

    /// The ids of `contacts`; a repeated id is looked up as one.
    public init(_ contacts: [Contact]) {
        let slices = stride(from: 0, to: contacts.count, by: 65_536).map { $0..<min($0 + 65_536, contacts.count) }
        self.init(
            parts: ParallelMap.run(slices) { slice in
                var part = Part()
                for index in slice { part.append(contacts[index].id) }
                return part
            })
    }

    /// The ids of `parts`, in order.
    public init(parts: [Part]) {
        let total = parts.reduce(0) { $0 + $1.count }
        // A slot holds an index in 32 bits: four billion contacts would not fit in memory anyway.
        precondition(total < Int(UInt32.max), "more contact ids than an index holds")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
        var ends: [Int] = []
        ends.reserveCapacity(total)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(total)
        for part in parts {
            let offset = bytes.count
            bytes.append(contentsOf: part.bytes)
            ends.append(contentsOf: part.ends.lazy.map { Int($0) + offset })
            hashes.append(contentsOf: part.hashes)
        }
        let shared = (bytes: bytes, ends: ends, hashes: hashes)
        let built = ParallelMap.run(Array(0..<Self.shares)) { share in
            Self.table(share: share, hashes: shared.hashes) { a, b in
                Self.id(a, bytes: shared.bytes, ends: shared.ends) == Self.id(b, bytes: shared.bytes, ends: shared.ends)
            }
        }
        self.bytes = bytes
        self.ends = ends
        tables = built.map(\.table)
        hasDuplicates = built.contains { $0.hasDuplicates }
    }

    /// How many ids were added, repeated ones included.
    public var count: Int { ends.count }

    /// Whether `id` is one of the ids.
    public func contains(_ id: String) -> Bool { index(of: id) != nil }

    /// The position of `id` among the ids (the first, if it was added more than once), or `nil`.
    public func index(of id: String) -> Int? {
        var normal = Self.normalized(id)
        return normal.withUTF8 { query in
            let hash = Self.hash(query)
            let table = tables[Self.share(of: hash)]
            let mask = table.count - 1
            var slot = Self.slot(of: hash) & mask
            while table[slot] != 0 {
                let entry = table[slot]
                let index = Int(entry & 0xFFFF_FFFF) - 1
                if entry >> 32 == hash >> 32, Self.equal(Self.id(index, bytes: bytes, ends: ends), query) {
                    return index
                }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// Every id as a `String`, in order of their bytes (as `Set<String>.sorted()` orders ASCII ids),
    /// for a "did you mean" among them.
    public func sorted() -> [String] {
        (0..<count).map { String(decoding: Self.id($0, bytes: bytes, ends: ends), as: UTF8.self) }.sorted()
    }

    // MARK: - The tables

    private static let shares = 4

    /// The table of the hashes in `share`, and whether two of them belong to the same id
    /// (`same`: whether the ids at two indices are equal).
    private static func table(share: Int, hashes: [UInt64], same: (Int, Int) -> Bool) -> (
        table: [UInt64], hasDuplicates: Bool
    ) {
        var count = 0
        for hash in hashes where Self.share(of: hash) == share { count += 1 }
        var capacity = 16
        while capacity < 2 * count { capacity <<= 1 }
        var table = [UInt64](repeating: 0, count: capacity)
        var hasDuplicates = false
        let mask = capacity - 1
        for index in hashes.indices where Self.share(of: hashes[index]) == share {
            let hash = hashes[index]
            var slot = Self.slot(of: hash) & mask
            while table[slot] != 0 {
                let entry = table[slot]
                if entry >> 32 == hash >> 32, same(Int(entry & 0xFFFF_FFFF) - 1, index) {
                    hasDuplicates = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if table[slot] == 0 { table[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1) }
        }
        return (table, hasDuplicates)
    }

    private static func share(of hash: UInt64) -> Int { Int(hash >> 62) }
    private static func slot(of hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) }

    /// The bytes of id `index`.
    private static func id(_ index: Int, bytes: [UInt8], ends: [Int]) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    private static func equal(_ id: ArraySlice<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard id.count == bytes.count else { return false }
        return bytes.isEmpty
            || id.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { ByteTable<Never>.spreadHash(bytes) }

    /// `id` in normalization form C; an ASCII id as it is.
    static func normalized(_ id: String) -> String {
        id.utf8.allSatisfy { $0 < 0x80 } ? id : id.precomposedStringWithCanonicalMapping
    }
}
