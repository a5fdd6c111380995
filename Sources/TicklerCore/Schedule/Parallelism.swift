/// How the core spreads work over the machine's cores. The core starts no thread or queue of its
/// own: whoever builds a schedule passes one (`DispatchLanes` in TicklerInput runs a serial queue per
/// core; `SerialLanes` runs everything on the calling thread).
public protocol Parallelism: Sendable {
    /// `items.map(transform)`, possibly on several threads at once, keeping the order.
    func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R]
}

/// Everything on the calling thread, in order.
public struct SerialLanes: Parallelism {
    public init() {}

    public func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        items.map(transform)
    }
}

extension Array where Element: Sendable {
    /// `count` elements made with `lanes`: `element(i)` for each index, in slices of `slice`.
    /// (Inlinable, as the next: specialized for the element where it is used, in other modules too.)
    @inlinable public init(
        parallelCount count: Int, lanes: any Parallelism, slice: Int = 32_768,
        _ element: @escaping @Sendable (Int) -> Element
    ) {
        let slices = stride(from: 0, to: count, by: slice).map { $0..<Swift.min($0 + slice, count) }
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = UncheckedPointer(buffer.baseAddress)
            _ = lanes.map(slices) { range in
                for index in range { (base.pointer! + index).initialize(to: element(index)) }
            }
            initialized = count
        }
    }
}

/// A buffer's address, for tasks that each read or write only their own part of it.
public struct UncheckedPointer<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>?
    @inlinable public init(_ pointer: UnsafeMutablePointer<Element>?) { self.pointer = pointer }
}

extension Array {
    /// The parts of a parallel result one after another. Copied a part at a time: `Array(parts.joined())`
    /// goes through the flattened sequence element by element, which costs as much as computing
    /// the parts for a hundred thousand small ones.
    @inlinable public init(concatenating parts: [[Element]]) {
        if parts.count == 1 {
            self = parts[0]
            return
        }
        self.init()
        reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { append(contentsOf: part) }
    }
}
