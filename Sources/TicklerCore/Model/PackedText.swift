/// A few optional strings in little memory: a contact's name, email, phone and language.
///
/// A million contacts hold a million of each; as separate `String`s they cost 16 bytes each in the
/// contact plus, for most emails and many names and phones, an allocation each. Packed, they cost
/// 16 bytes and a share of one buffer: each string is encoded as its length plus one (0 for absent)
/// in LEB128, then its UTF-8 bytes (absent strings at the end are left out), and the encoding
/// lives in a `Storage`. A contact made on its own has a storage of its own; the contacts of one
/// chunk of a CSV file share one (`Arena`), so a million contacts make a few dozen allocations,
/// not a million.
///
/// Equality and hashing are those of the strings themselves (canonical equivalence, as `String`'s),
/// not of the bytes.
public struct PackedText: Sendable, Hashable {
    /// The bytes; `nil` while the encoding is still in an `Arena` being filled (`adopt(_:)`), or
    /// when every string is absent (then `length` is 0).
    private var storage: Storage?
    private var offset: Int32 = 0
    private var length: Int32 = 0

    static let count = 4

    /// Immutable bytes shared by the packed texts that point into them.
    public final class Storage: Sendable {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    init() {}

    init(_ strings: [String?]) {
        precondition(strings.count <= Self.count, "too many strings to pack")
        let all = strings + Array(repeating: nil, count: Self.count - strings.count)
        self.init(all[0], all[1], all[2], all[3])
    }

    public init(_ first: String?, _ second: String?, _ third: String?, _ fourth: String?) {
        var (first, second, third, fourth) = (first, second, third, fourth)
        let bytes = Self.withUTF8(&first) { first in
            Self.withUTF8(&second) { second in
                Self.withUTF8(&third) { third in
                    Self.withUTF8(&fourth) { fourth in
                        [UInt8](unsafeUninitializedCapacity: Self.bound(first, second, third, fourth)) {
                            buffer, count in
                            count = Self.encode(first, second, third, fourth, into: buffer.baseAddress!)
                        }
                    }
                }
            }
        }
        self.init(own: bytes)
    }

    private init(own bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        storage = Storage(bytes)
        length = Int32(bytes.count)
    }

    private static func withUTF8<R>(_ string: inout String?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard string != nil else { return body(nil) }
        return string!.withUTF8 { body($0) }
    }

    /// At most how many bytes `encode` writes for these strings.
    private static func bound(
        _ first: UnsafeBufferPointer<UInt8>?, _ second: UnsafeBufferPointer<UInt8>?,
        _ third: UnsafeBufferPointer<UInt8>?, _ fourth: UnsafeBufferPointer<UInt8>?
    ) -> Int {
        // A length takes at most 5 bytes (lengths below 2^35); an absent string 1.
        func bound(_ string: UnsafeBufferPointer<UInt8>?) -> Int { (string?.count ?? -4) + 5 }
        return bound(first) + bound(second) + bound(third) + bound(fourth)
    }

    /// Writes the encoding of four strings (the format described above) at `target`, which has room
    /// for `bound` bytes, and returns its length.
    private static func encode(
        _ first: UnsafeBufferPointer<UInt8>?, _ second: UnsafeBufferPointer<UInt8>?,
        _ third: UnsafeBufferPointer<UInt8>?, _ fourth: UnsafeBufferPointer<UInt8>?,
        into target: UnsafeMutablePointer<UInt8>
    ) -> Int {
        let used = fourth != nil ? 4 : third != nil ? 3 : second != nil ? 2 : first != nil ? 1 : 0
        var position = 0
        func put(_ string: UnsafeBufferPointer<UInt8>?) {
            guard let string else {
                target[position] = 0
                position += 1
                return
            }
            var length = string.count + 1
            while length >= 0x80 {
                target[position] = UInt8(truncatingIfNeeded: length) | 0x80
                position += 1
                length >>= 7
            }
            target[position] = UInt8(length)
            position += 1
            if let base = string.baseAddress { (target + position).update(from: base, count: string.count) }
            position += string.count
        }
        if used > 0 { put(first) }
        if used > 1 { put(second) }
        if used > 2 { put(third) }
        if used > 3 { put(fourth) }
        return position
    }

    /// Bytes being collected for many packed texts, which then share them (`adopt`).
    public struct Arena {
        public private(set) var bytes: [UInt8] = []

        /// An arena with room for `capacity` bytes before it grows (only the pages written are
        /// touched).
        public init(capacity: Int = 0) {
            bytes.reserveCapacity(capacity)
        }

        /// A packed text of four strings given as UTF-8 bytes (valid UTF-8), encoded into the arena:
        /// it has its strings only once the arena's storage is made and adopted.
        public mutating func pack(
            _ first: UnsafeBufferPointer<UInt8>?, _ second: UnsafeBufferPointer<UInt8>?,
            _ third: UnsafeBufferPointer<UInt8>?, _ fourth: UnsafeBufferPointer<UInt8>?
        ) -> PackedText {
            let start = bytes.count
            // Encoded aside and appended at once: appending byte by byte checked the array's
            // uniqueness and capacity a dozen times a contact.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: PackedText.bound(first, second, third, fourth)) {
                let count = PackedText.encode(first, second, third, fourth, into: $0.baseAddress!)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<count]))
            }
            guard bytes.count > start, bytes.count <= Int(Int32.max) else {
                // Nothing to keep, or an arena too large for 32-bit offsets: a storage of its own.
                let own = Array(bytes[start...])
                bytes.removeSubrange(start...)
                return PackedText(own: own)
            }
            var text = PackedText()
            text.offset = Int32(start)
            text.length = Int32(bytes.count - start)
            return text
        }

        /// The storage that the packed texts made by `pack` adopt.
        public func storage() -> Storage { Storage(bytes) }
    }

    /// Points a packed text made by `Arena.pack` at its arena's storage; others are left alone.
    public mutating func adopt(_ arenaStorage: Storage) {
        if storage == nil, length > 0 { storage = arenaStorage }
    }

    /// The string in slot `index` (0 ..< `count`).
    subscript(index: Int) -> String? {
        get {
            withBytes { buffer in
                guard let range = Self.range(of: index, in: buffer) else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
            }
        }
        set {
            var strings = all
            strings[index] = newValue
            self = PackedText(strings)
        }
    }

    /// Whether slot `index` holds a string, without making it.
    func contains(_ index: Int) -> Bool {
        withBytes { Self.range(of: index, in: $0) != nil }
    }

    /// Every slot's string.
    var all: [String?] { (0..<Self.count).map { self[$0] } }

    private func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let storage else {
            precondition(length == 0, "a packed text was used before its arena's storage was adopted")
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return storage.bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(offset)..<Int(offset + length)]))
        }
    }

    /// Where the bytes of slot `index` are; `nil` when it is absent.
    private static func range(of index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var position = 0
        var slot = 0
        while position < buffer.count {
            var length = 0
            var shift = 0
            while true {
                let byte = buffer[position]
                position += 1
                length |= Int(byte & 0x7F) << shift
                shift += 7
                if byte < 0x80 { break }
            }
            if slot == index { return length == 0 ? nil : position..<(position + length - 1) }
            position += max(0, length - 1)
            slot += 1
        }
        return nil
    }

    public static func == (lhs: PackedText, rhs: PackedText) -> Bool {
        if lhs.storage === rhs.storage, lhs.offset == rhs.offset, lhs.length == rhs.length { return true }
        return lhs.withBytes { a in rhs.withBytes { b in a.elementsEqual(b) } } || lhs.all == rhs.all
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(all)
    }
}
