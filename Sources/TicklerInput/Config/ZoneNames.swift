import TicklerCore

/// Zone names as the input checks them: against the zone database it is read with.
extension ZoneDatabase {
    /// Whether `name` is a zone the database has.
    func isKnown(_ name: String) -> Bool { rules(named: name) != nil }

    /// The note for an unknown zone: a close spelling, or how zones are written.
    func notes(forUnknown name: String) -> [Diagnostic.Note] {
        if let match = Suggestion.nearest(to: name, in: knownNames.sorted()) {
            return [.init("did you mean '\(match)'?")]
        }
        return [.init("use an IANA zone name such as 'Asia/Shanghai' or 'America/New_York'")]
    }
}
