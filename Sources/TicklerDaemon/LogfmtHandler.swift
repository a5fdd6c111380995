import Foundation
import Logging
import TicklerCore
import TicklerInput
import TicklerMessages

/// swift-log's output as logfmt lines on stderr, one per event:
///
///     time=2026-11-24T09:00:00.123Z level=info msg="delivered" key=thank-you/acme-zhang/17 channel=email
///
/// Values are quoted when they hold a space, `=`, a quote or nothing; quotes, backslashes and control
/// characters in them are escaped (`JSONText.quoted`), so a line is always one line. Callers log ids
/// and keys — never an address, a name or a secret (STYLE: "Logging").
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let write: @Sendable (String) -> Void

    public init(label: String, write: @escaping @Sendable (String) -> Void = LogfmtHandler.standardError) {
        self.label = label
        self.write = write
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = "time=\(Self.timestamp()) level=\(event.level) msg=\(Self.quoted(event.message.description))"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            fields += " \(key)=\(Self.quoted(merged[key]!.description))"
        }
        write(fields + "\n")
    }

    /// `value` as a logfmt value: bare when it is a plain word, otherwise a quoted string escaped as
    /// JSON escapes it (quotes, backslashes, every control character), which logfmt readers accept.
    static func quoted(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" && $0.value != 0x7F
            }
        return plain ? value : JSONText.quoted(value)
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(now.tv_nsec) / 1_000_000
        let fraction = String(repeating: "0", count: 3 - String(millis).count) + String(millis)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
