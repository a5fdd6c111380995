import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the built `tickler` executable as a subprocess, for tests of process-wide behaviour: exit codes,
/// signals, what is printed on stdout and stderr.
///
///     let result = try TicklerProcess.run(arguments: ["check", "--config", directory.path("tickler.yaml")])
///     #expect(result.status == 0)
///
/// The executable is the one built next to the test binary (`<scratch-path>/debug/tickler`), whatever
/// `--scratch-path` was used; `TICKLER_EXECUTABLE` in the test's environment overrides the search.
public enum TicklerProcess {
    /// Why a run could not happen or did not finish.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The path of the `tickler` executable the tests run.
    public static func executablePath() throws -> String {
        try located.get()
    }

    /// Runs `tickler` with `arguments` and returns its exit status and everything it printed.
    ///
    /// - Parameters:
    ///   - environment: added to (and overriding) the test process's environment, from which every
    ///     `TICKLER_*` variable is removed first so a developer's shell cannot change a test's outcome.
    ///   - currentDirectory: the child's working directory; the test process's when `nil`.
    ///   - stdin: written to the child's standard input, which is then closed; `/dev/null` when `nil`.
    ///   - timeout: how long the child may run; then it is sent SIGTERM, after 2 s SIGKILL, and the call throws.
    /// - Returns: the exit status (128 + N when the child was killed by signal N, as a shell reports it)
    ///   and stdout and stderr decoded as UTF-8. Both pipes are drained while the child runs, so large
    ///   output cannot fill a pipe and deadlock.
    public static func run(
        arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: String? = nil,
        stdin: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        _ = ignoreSIGPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = arguments
        var childEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TICKLER_") }
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        }

        let output = Pipe()
        let errors = Pipe()
        let input = stdin.map { _ in Pipe() }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input ?? FileHandle.nullDevice

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let captured = CapturedOutput()
        let readers = DispatchGroup()
        let stdoutHandle = output.fileHandleForReading
        let stderrHandle = errors.fileHandleForReading
        DispatchQueue.global().async(group: readers) { captured.stdout = stdoutHandle.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { captured.stderr = stderrHandle.readDataToEndOfFile() }
        if let input, let stdin {
            let handle = input.fileHandleForWriting
            let bytes = Data(stdin.utf8)
            DispatchQueue.global().async {
                // EPIPE when the child exits without reading it all; SIGPIPE is ignored, so this just fails.
                try? handle.write(contentsOf: bytes)
                try? handle.close()
            }
        }

        let deadline = DispatchTime.now() + .milliseconds(Int(timeout / .milliseconds(1)))
        if exited.wait(timeout: deadline) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
            _ = readers.wait(timeout: .now() + .seconds(5))
            let partial = String(decoding: captured.stderr, as: UTF8.self).suffix(2000)
            throw Failure(
                description: "tickler \(arguments.joined(separator: " ")) did not exit within \(timeout); killed it. "
                    + "stderr so far:\n\(partial)"
            )
        }
        // The child has exited; its pipes close with it unless it left a grandchild holding them.
        if readers.wait(timeout: .now() + .seconds(10)) == .timedOut {
            throw Failure(description: "tickler \(arguments.joined(separator: " ")) exited but its output stayed open")
        }
        process.waitUntilExit()

        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        let stdout = String(decoding: captured.stdout, as: UTF8.self)
        let stderr = String(decoding: captured.stderr, as: UTF8.self)
        return (status, stdout, stderr)
    }

    private static let located: Result<String, Failure> = Result { () throws(Failure) -> String in
        if let explicit = ProcessInfo.processInfo.environment["TICKLER_EXECUTABLE"] {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw Failure(description: "TICKLER_EXECUTABLE names '\(explicit)', which is not an executable file")
            }
            return explicit
        }
        var starts: [URL] = []
        if let executable = Bundle.main.executableURL {
            starts.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            starts.append(
                URL(fileURLWithPath: first, relativeTo: current).standardizedFileURL.deletingLastPathComponent())
        }
        var searched: [String] = []
        for start in starts {
            // Linux: <scratch>/debug/Tickler…Tests.xctest; macOS: <scratch>/debug/X.xctest/Contents/MacOS/X.
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("tickler").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate)
                {
                    return candidate
                }
                searched.append(candidate)
                directory = directory.deletingLastPathComponent()
            }
        }
        throw Failure(
            description: "no built 'tickler' executable next to the test binary; looked at "
                + searched.joined(separator: ", ") + " (build it, or set TICKLER_EXECUTABLE)"
        )
    }

    /// Writing to a child that has exited must fail with EPIPE, not kill the test process.
    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()
}

/// The two pipes' contents, written by the reader threads and read after they finish.
private final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var storedStdout = Data()
    private var storedStderr = Data()

    var stdout: Data {
        get { lock.withLock { storedStdout } }
        set { lock.withLock { storedStdout = newValue } }
    }

    var stderr: Data {
        get { lock.withLock { storedStderr } }
        set { lock.withLock { storedStderr = newValue } }
    }
}
