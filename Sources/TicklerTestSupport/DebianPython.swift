import Foundation

/// Runs a script with Debian's Python (`/usr/bin/python3`), which sees Debian's packages
/// (`python3-aiosmtpd`, `python3-icalendar`) — unlike a `python3` earlier on PATH. Tests use it to
/// check Tickler's output with independent, real parsers.
public enum DebianPython {
    public static let path = "/usr/bin/python3"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `python3 -c script arguments…` with `input` on stdin; returns stdout, throws with stderr
    /// when the script fails.
    public static func run(_ script: String, arguments: [String] = [], input: [UInt8] = []) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "no \(path): run bin/setup")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", script] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorBuffer()
        let reader = Thread { errors.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.done { usleep(1_000) }
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "python3 failed (\(process.terminationStatus)): "
                    + String(decoding: errors.data, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    private final class ErrorBuffer: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = Data()
        private var finished = false
        var data: Data {
            get { lock.withLock { stored } }
            set {
                lock.withLock {
                    stored = newValue
                    finished = true
                }
            }
        }
        var done: Bool { lock.withLock { finished } }
    }
}
