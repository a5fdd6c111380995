import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback server script for one test, run by a Python interpreter: the part `SMTPSink` and
/// `HTTPSink` share.
///
/// The script and its settings (JSON, with `directory` set to the server's temporary directory) are
/// written there; the script is started as `python sink.py settings.json`, with stdout and stderr in
/// `sink.log`, and is waited for until it writes the port it listens on to the file `port` (at most
/// 20 seconds). It keeps the number of connections it accepted in the file `connections`. It stops
/// when the server is released, or when the test process dies (the script exits when its standard
/// input closes).
final class PythonServer: @unchecked Sendable {
    let directory: TemporaryDirectory
    let port: Int
    private let process: Process
    private let input: Pipe

    /// - Parameter name: what the server is, for the failure when it does not start ("aiosmtpd").
    init(
        name: String, python: String, script: String, settings: [String: Any], directory: TemporaryDirectory
    ) throws {
        self.directory = directory
        var settings = settings
        settings["directory"] = directory.path
        try directory.write("settings.json", Array(try JSONSerialization.data(withJSONObject: settings)))
        try directory.write("sink.py", script)

        let log = try directory.write("sink.log", "")
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? logHandle.close() }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "no \(python): run bin/setup")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [directory.path("sink.py"), directory.path("settings.json")]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        self.process = process
        self.input = input

        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil {
            port = (try? String(contentsOfFile: directory.path("port"), encoding: .utf8)).flatMap { Int($0) }
            if port != nil { break }
            guard process.isRunning, Date() < deadline else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                kill(process.processIdentifier, SIGKILL)
                throw Failure(description: "\(name) did not start: \(output.suffix(2_000))")
            }
            usleep(10_000)
        }
        self.port = port!
    }

    deinit {
        try? input.fileHandleForWriting.close()
        // SIGKILL, not SIGTERM: a child inherits the signal mask of the thread that started it, and
        // libdispatch's worker threads (where tests run) block SIGTERM; and its standard input may not
        // end when closed here (a CI run hung with the pipe's write end still open in this process).
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// How many connections the server has accepted.
    var connectionCount: Int {
        (try? String(contentsOfFile: directory.path("connections"), encoding: .utf8)).flatMap { Int($0) } ?? 0
    }

    /// What the server wrote to its log (stdout and stderr), for failure messages.
    var log: String {
        (try? String(contentsOfFile: directory.path("sink.log"), encoding: .utf8)) ?? ""
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
