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
struct PackedText: Sendable, Hashable {
    /// The bytes; `nil` while the encoding is still in an `Arena` being filled (`adopt(_:)`), or
    /// when every string is absent (then `length` is 0).
    private var storage: Storage?
    private var offset: Int32 = 0
    private var length: Int32 = 0

    static let count = 4

    /// Immutable bytes shared by the packed texts that point into them.
    final class Storage: Sendable {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    init() {}

    init(_ strings: [String?]) {
        precondition(strings.count <= Self.count, "too many strings to pack")
        let all = strings + Array(repeating: nil, count: Self.count - strings.count)
        self.init(all[0], all[1], all[2], all[3])
    }

    init(_ first: String?, _ second: String?, _ third: String?, _ fourth: String?) {
        var bytes: [UInt8] = []
        Self.append(first?.utf8, second?.utf8, third?.utf8, fourth?.utf8, to: &bytes)
        self.init(own: bytes)
    }

    private init(own bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        storage = Storage(bytes)
        length = Int32(bytes.count)
    }

    /// Encodes four strings into `bytes` (the format described above).
    private static func append<Bytes: Collection<UInt8>>(
        _ first: Bytes?, _ second: Bytes?, _ third: Bytes?, _ fourth: Bytes?, to bytes: inout [UInt8]
    ) {
        let used = fourth != nil ? 4 : third != nil ? 3 : second != nil ? 2 : first != nil ? 1 : 0
        guard used > 0 else { return }
        func size(_ string: Bytes?) -> Int { string.map { $0.count + ($0.count < 127 ? 1 : 3) } ?? 1 }
        // An exact size for a text of its own; an arena grows as arrays do.
        if bytes.isEmpty { bytes.reserveCapacity(size(first) + size(second) + size(third) + size(fourth)) }
        func append(_ string: Bytes?) {
            guard let string else {
                bytes.append(0)
                return
            }
            var length = string.count + 1
            while length >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            bytes.append(UInt8(length))
            bytes.append(contentsOf: string)
        }
        append(first)
        if used > 1 { append(second) }
        if used > 2 { append(third) }
        if used > 3 { append(fourth) }
    }

    /// Bytes being collected for many packed texts, which then share them (`adopt`).
    struct Arena {
        private(set) var bytes: [UInt8] = []

        /// An arena with room for `capacity` bytes before it grows (only the pages written are
        /// touched).
        init(capacity: Int = 0) {
            bytes.reserveCapacity(capacity)
        }

        /// A packed text of four strings given as UTF-8 bytes (valid UTF-8), encoded into the arena:
        /// it has its strings only once the arena's storage is made and adopted.
        mutating func pack(
            _ first: UnsafeBufferPointer<UInt8>?, _ second: UnsafeBufferPointer<UInt8>?,
            _ third: UnsafeBufferPointer<UInt8>?, _ fourth: UnsafeBufferPointer<UInt8>?
        ) -> PackedText {
            let start = bytes.count
            PackedText.append(first, second, third, fourth, to: &bytes)
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
        func storage() -> Storage { Storage(bytes) }
    }

    /// Points a packed text made by `Arena.pack` at its arena's storage; others are left alone.
    mutating func adopt(_ arenaStorage: Storage) {
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

    static func == (lhs: PackedText, rhs: PackedText) -> Bool {
        if lhs.storage === rhs.storage, lhs.offset == rhs.offset, lhs.length == rhs.length { return true }
        return lhs.withBytes { a in rhs.withBytes { b in a.elementsEqual(b) } } || lhs.all == rhs.all
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(all)
    }
}
