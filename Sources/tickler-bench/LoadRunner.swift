import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a fixed number of sends with a fixed number of concurrent senders and times each one.
///
/// Every sender takes the next message number from a shared counter until all are taken, so a slow
/// connection takes fewer messages rather than holding the others up.
enum LoadRunner {
    /// What one send came to.
    enum Outcome: Sendable {
        case sent(reusedConnection: Bool)
        case failed(String)
    }

    /// The sends of one run, with their latencies in nanoseconds (in no particular order).
    struct Measurement: Sendable {
        var latencies: [Int64] = []
        var failures = 0
        var firstFailure: String?
        var newConnections = 0
        var wallSeconds = 0.0
        var userSeconds = 0.0
        var systemSeconds = 0.0

        mutating func merge(_ other: Measurement) {
            latencies += other.latencies
            failures += other.failures
            firstFailure = firstFailure ?? other.firstFailure
            newConnections += other.newConnections
        }
    }

    /// Sends messages `first ..< first + count` with `senders` concurrent senders.
    static func run(
        first: Int, count: Int, senders: Int, send: @escaping @Sendable (Int) async -> Outcome
    ) async -> Measurement {
        let counter = Counter()
        let before = CPUTime.now()
        let start = ContinuousClock.now
        var total = await withTaskGroup(of: Measurement.self) { group in
            for _ in 0..<max(1, senders) {
                group.addTask {
                    var part = Measurement()
                    part.latencies.reserveCapacity(count / max(1, senders) + 16)
                    while true {
                        let index = counter.next()
                        guard index < count else { break }
                        let sent = ContinuousClock.now
                        let outcome = await send(first + index)
                        part.latencies.append(nanoseconds(ContinuousClock.now - sent))
                        switch outcome {
                        case .sent(let reused): if !reused { part.newConnections += 1 }
                        case .failed(let text):
                            part.failures += 1
                            part.firstFailure = part.firstFailure ?? text
                        }
                    }
                    return part
                }
            }
            var total = Measurement()
            for await part in group { total.merge(part) }
            return total
        }
        let wall = ContinuousClock.now - start
        let after = CPUTime.now()
        total.wallSeconds = Double(nanoseconds(wall)) / 1e9
        total.userSeconds = after.user - before.user
        total.systemSeconds = after.system - before.system
        return total
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The next message number, shared by the senders.
    private final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
    }
}

/// The process's CPU time so far (`getrusage`), all threads.
struct CPUTime {
    var user: Double
    var system: Double

    static func now() -> CPUTime {
        var usage = rusage()
        #if canImport(Glibc)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return CPUTime(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }
}
