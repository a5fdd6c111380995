import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The built `tickler` running as a long-lived subprocess — `tickler run` — for tests of the daemon in
/// real time: its log (stderr) goes to a file the test polls, and the test sends it signals, kills it,
/// waits for its exit and reads how much CPU it used and how often it woke up.
///
///     let daemon = try DaemonProcess(arguments: ["run", "--config", config], log: directory.path("daemon.log"))
///     try await daemon.waitForLog(containing: "msg=started")
///     daemon.signal(SIGTERM)
///     #expect(try await daemon.waitForExit() == 0)
///
/// The waits suspend rather than block (see ``Poll``).
///
/// The process is killed (SIGKILL) when the value is released while it still runs, so a failing test
/// never leaves a daemon behind. Linux only for the `/proc` readings.
public final class DaemonProcess: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// CPU time and wake-ups of the process so far, from `/proc`.
    public struct Usage: Sendable, Hashable {
        /// User plus system CPU time of every thread, live or gone, in seconds (10 ms resolution).
        public var cpuSeconds: Double
        /// Voluntary context switches per live thread id: a thread that blocks and is woken again
        /// counts one.
        public var voluntarySwitches: [Int: Int]
        /// Wake-ups since `earlier`: the switches of threads alive at both readings that moved, plus
        /// every switch of threads that appeared since.
        public func wakeUps(since earlier: Usage) -> Int {
            voluntarySwitches.reduce(0) { sum, entry in
                sum + entry.value - (earlier.voluntarySwitches[entry.key] ?? 0)
            }
        }
    }

    public let pid: Int32
    /// The file that receives the daemon's stderr (and stdout).
    public let logPath: String
    /// Where this daemon's output starts in the file (after that of daemons run before it).
    private let logStart: UInt64

    private let process: Process
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `tickler` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: added to the test process's environment, from which every `TICKLER_*`
    ///     variable is removed first (as ``TicklerProcess/run(arguments:environment:currentDirectory:stdin:timeout:)``).
    ///   - log: where stdout and stderr go; appended to, so a restarted daemon can share one file
    ///     (``log()`` and the waits look at this daemon's part only).
    public init(arguments: [String], environment: [String: String] = [:], log: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TicklerProcess.executablePath())
        process.arguments = arguments
        var childEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TICKLER_") }
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        if !FileManager.default.fileExists(atPath: log) {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        let start = handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        pid = process.processIdentifier
        logPath = log
        logStart = start
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything this daemon has logged so far.
    public func log() -> String {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: logStart)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// The log's lines that contain `text`.
    public func logLines(containing text: String) -> [Substring] {
        log().split(separator: "\n").filter { $0.contains(text) }
    }

    /// Waits until at least `count` lines of the log contain `text`, and returns the `count`th.
    /// Throws, with the end of the log, after `timeout` or when the daemon exits first.
    @discardableResult
    public func waitForLog(containing text: String, count: Int = 1, timeout: Duration = .seconds(60)) async throws
        -> Substring
    {
        var found: [Substring] = []
        try await Poll.until("\(count) log line(s) containing '\(text)'", timeout: timeout, context: logTail) {
            found = logLines(containing: text)
            if found.count < count, !isRunning {
                throw Failure(
                    description: "the daemon exited (\(exitStatus ?? -1)) before logging '\(text)':\n\(logTail())")
            }
            return found.count >= count
        }
        return found[count - 1]
    }

    /// Sends `number` (SIGTERM, SIGHUP, …) to the daemon.
    public func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// Kills the daemon at once (SIGKILL): a crash, with no chance to record anything.
    public func kill9() {
        kill(pid, SIGKILL)
    }

    /// Whether the daemon still runs.
    public var isRunning: Bool { exitStatus == nil && process.isRunning }

    /// The exit status once it has exited: 128 + N when a signal N ended it, as a shell reports it.
    public var exitStatus: Int32? {
        lock.withLock {
            if status == nil, !process.isRunning {
                status =
                    process.terminationReason == .uncaughtSignal
                    ? 128 + process.terminationStatus : process.terminationStatus
            }
            return status
        }
    }

    /// Waits for the daemon to exit and returns its status (128 + N for signal N). Throws after
    /// `timeout`, leaving it running.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await Poll.until("the daemon to exit", timeout: timeout, context: logTail) { !process.isRunning }
        process.waitUntilExit()
        return exitStatus ?? -1
    }

    /// CPU time and voluntary context switches so far (`/proc/PID/stat` and `/proc/PID/task/*/status`).
    public func usage() throws -> Usage {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name, in parentheses, may hold spaces: count fields after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { throw Failure(description: "unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ')': state is field 3 of stat(5); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Failure(description: "unreadable /proc/\(pid)/stat")
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var switches: [Int: Int] = [:]
        for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] {
            guard let id = Int(task),
                let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("voluntary_ctxt_switches:") }),
                let value = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
            else { continue }
            switches[id] = value
        }
        return Usage(cpuSeconds: (user + system) / ticks, voluntarySwitches: switches)
    }

    /// The last 3,000 characters of the log, for failure messages.
    public func logTail() -> String {
        String(log().suffix(3_000))
    }
}
