/// One problem found in a user's files, printed the way a compiler prints it:
///
///     etc/tickler.yaml:14:9: error: unknown key 'delya' in rule 'thank-you'
///     etc/tickler.yaml:14:9: note: did you mean 'delay'?
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// A `note:` line under a diagnostic: the reason, the allowed values, a suggestion, or another place.
    public struct Note: Sendable, Hashable {
        public var message: String
        /// Where the note points; `nil` means the diagnostic's own location.
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var notes: [Note]

    public init(_ severity: Severity, _ message: String, at location: SourceLocation, notes: [Note] = []) {
        self.severity = severity
        self.location = location
        self.message = message
        self.notes = notes
    }

    public static func error(_ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location, notes: notes)
    }

    public static func warning(_ message: String, at location: SourceLocation, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, message, at: location, notes: notes)
    }

    /// The diagnostic and its notes, one line each, without a trailing newline.
    public var description: String {
        var lines = ["\(location): \(severity.rawValue): \(message)"]
        for note in notes {
            lines.append("\(note.location ?? location): note: \(note.message)")
        }
        return lines.joined(separator: "\n")
    }
}

extension Diagnostic: Error {}
