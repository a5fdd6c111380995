import Foundation

/// IANA time-zone names, checked against the system's zone database.
public enum ZoneNames {
    /// Every zone name the system knows (`Asia/Shanghai`, `America/New_York`, `UTC`, …).
    public static let known: Set<String> = {
        var names = Set(TimeZone.knownTimeZoneIdentifiers)
        names.insert("UTC")
        return names
    }()

    /// Whether `name` is a zone the system can load.
    public static func isKnown(_ name: String) -> Bool {
        known.contains(name) || (!name.isEmpty && name.contains("/") && TimeZone(identifier: name) != nil)
    }

    /// The note for an unknown zone: a close spelling, or how zones are written.
    public static func notes(forUnknown name: String) -> [Diagnostic.Note] {
        if let match = Suggestion.nearest(to: name, in: known.sorted()) {
            return [.init("did you mean '\(match)'?")]
        }
        return [.init("use an IANA zone name such as 'Asia/Shanghai' or 'America/New_York'")]
    }
}
