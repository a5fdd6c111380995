import TicklerCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a `SecretSource` (`password_env`, `password_file`, `secret_env`, …) at delivery time.
///
/// A file's one trailing newline (LF or CRLF) is dropped, as `echo secret > file` writes one. Problems
/// name the variable or file, never the value.
public enum SecretReader {
    /// Why a secret cannot be read, in a sentence that names the config key (`password_env`).
    public struct Problem: Error {
        public var message: String

        public init(message: String) {
            self.message = message
        }
    }

    /// The secret the channel's `NAME_env` or `NAME_file` key points to (`option` is `NAME`: `password`,
    /// `secret`).
    public static func read(_ source: SecretSource, option: String, environment: [String: String]) -> Result<
        String, Problem
    > {
        let key = if case .file = source { option + "_file" } else { option + "_env" }
        switch source {
        case .environment(let name):
            guard let value = environment[name] else {
                return .failure(Problem(message: "environment variable '\(name)' (\(key)) is not set"))
            }
            return .success(value)
        case .file(let path):
            switch readFile(path) {
            case .failure(let error):
                return .failure(
                    Problem(message: "cannot read \(key) '\(path)': \(String(cString: strerror(error.number)))"))
            case .success(var bytes):
                if bytes.last == 10 { bytes.removeLast() }
                if bytes.last == 13 { bytes.removeLast() }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    return .failure(Problem(message: "\(key) '\(path)' is not UTF-8 text"))
                }
                guard !text.contains(where: { $0.isNewline }), !text.unicodeScalars.contains("\0") else {
                    return .failure(Problem(message: "\(key) '\(path)' holds more than one line"))
                }
                return .success(text)
            }
        }
    }

    private struct Errno: Error {
        var number: Int32
    }

    private static func readFile(_ path: String) -> Result<[UInt8], Errno> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Errno(number: errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(number: errno))
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk[0..<count]
            if bytes.count > 65_536 { return .failure(Errno(number: EFBIG)) }
        }
    }
}

/// `read(2)`, which the method named `read` hides inside `SecretReader`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
