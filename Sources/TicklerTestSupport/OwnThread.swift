import Foundation

/// Long synchronous work of a test (seconds of store queries) run on a thread of its own. A
/// synchronous test holds one of Swift's cooperative threads while it runs — there are two on a
/// machine with two cores — and the other tests' tasks (a daemon's in-process services, the
/// polls that wait for it) wait for a free one.
public enum OwnThread {
    /// The value of `body`, computed on a new thread; the caller's task is suspended meanwhile.
    /// Check the result in the test itself: `#expect` inside `body` would run outside the test's task.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
