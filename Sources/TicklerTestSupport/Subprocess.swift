import Foundation

/// Runs a program to its end, feeding it `input`, with its output and errors drained while it runs
/// (a full pipe cannot stall it).
public enum Subprocess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The program's standard output; throws with its standard error when it exits non-zero.
    public static func run(_ program: String, _ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Failure(description: "no \(program): run bin/setup")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
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
            let name = URL(fileURLWithPath: program).lastPathComponent
            throw Failure(
                description: "\(name) failed (\(process.terminationStatus)): "
                    + String(decoding: errors.data, as: UTF8.self))
        }
        return Array(output)
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
