import Foundation

/// A small hash table from byte strings to values, looked up without making a `String`: a hash of
/// the bytes a word at a time (`hash`), open addressing, and the bytes compared. At most 4096 entries; more are not
/// kept (and then read the slow way). A look-up touches no reference count but the value's.
///
/// Inlinable, and so specialized for its `Value` where it is used: the CSV reader in TicklerInput looks
/// values up in it for every cell.
public struct ByteTable<Value> {
    @inlinable public init() {}

    /// By slot: the entry's hash (0 for an empty slot: hashes are never 0) and its index.
    @usableFromInline var hashes = [UInt64](repeating: 0, count: 16)
    @usableFromInline var indices = [Int32](repeating: 0, count: 16)
    /// By entry: where its key is in `keyBytes`, and its value.
    @usableFromInline var keyRanges: [Range<Int>] = []
    @usableFromInline var keyBytes: [UInt8] = []
    @usableFromInline var values: [Value] = []

    /// The value of `text`'s UTF-8 bytes.
    @inlinable subscript(text: String) -> Value? {
        var text = text
        return text.withUTF8 { self[$0] }
    }

    @inlinable public subscript(bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let index = find(bytes, hash: Self.hash(bytes)) else { return nil }
        return values[index]
    }

    @inlinable func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == hash {
                let index = Int(indices[slot])
                let range = keyRanges[index]
                let equal = keyBytes.withUnsafeBufferPointer { keys in
                    range.count == bytes.count
                        && (bytes.isEmpty
                            || memcmp(keys.baseAddress! + range.lowerBound, bytes.baseAddress!, bytes.count) == 0)
                }
                if equal { return index }
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    @inlinable public mutating func insert(_ text: String, _ value: Value) {
        guard values.count < 4096 else { return }
        var text = text
        text.withUTF8 { bytes in
            let hash = Self.hash(bytes)
            guard find(bytes, hash: hash) == nil else { return }
            if 2 * (values.count + 1) > hashes.count {
                let old = zip(hashes, indices).filter { $0.0 != 0 }
                hashes = Array(repeating: 0, count: hashes.count * 2)
                indices = Array(repeating: 0, count: indices.count * 2)
                for (hash, index) in old { place(hash, index) }
            }
            keyRanges.append(keyBytes.count..<(keyBytes.count + bytes.count))
            keyBytes.append(contentsOf: bytes)
            values.append(value)
            place(hash, Int32(values.count - 1))
        }
    }

    @inlinable mutating func place(_ hash: UInt64, _ index: Int32) {
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != 0 { slot = (slot + 1) & mask }
        hashes[slot] = hash
        indices[slot] = index
    }

    /// Eight bytes at a time (the last eight overlapping the ones before when the length is not a
    /// multiple of eight), each word mixed in with a multiply: the keys are zone names, owners,
    /// tiers and tag lists, looked up once or twice for each contact.
    @inlinable public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            func mix(_ word: UInt64) {
                hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 29
            }
            if bytes.count < 8 {
                var word: UInt64 = 0
                for index in 0..<bytes.count { word |= UInt64(base[index]) << (8 * UInt64(index)) }
                mix(word)
            } else {
                var index = 0
                while index + 8 < bytes.count {
                    mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    index += 8
                }
                mix(raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
            }
        }
        return hash | 1  // never 0, the mark of an empty slot
    }

    /// ``hash(_:)`` with its bits spread once more, for tables of a million keys (ids that differ in
    /// a digit or two would otherwise crowd into runs of slots). Its lowest bit is not always set.
    @inlinable public static func spreadHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = Self.hash(bytes)
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}

extension ByteTable: Sendable where Value: Sendable {}
