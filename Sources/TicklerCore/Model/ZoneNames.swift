import Foundation

/// IANA time-zone names, checked against the system's zone database (see `ZoneRules.named`).
public enum ZoneNames {
    /// Every zone name the database lists (`Asia/Shanghai`, `America/New_York`, `UTC`, …), for
    /// suggestions: the zones and links of its `tzdata.zi`, or, without that file, Foundation's list.
    public static let known: Set<String> = {
        var names: Set<String> = ["UTC"]
        if let data = FileManager.default.contents(atPath: ZoneRules.databaseDirectory + "/tzdata.zi") {
            // `Z NAME …` names a zone, `L TARGET NAME` a link to one.
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 2, fields[0] == "Z" { names.insert(String(fields[1])) }
                if fields.count >= 3, fields[0] == "L" { names.insert(String(fields[2])) }
            }
        } else {
            names.formUnion(TimeZone.knownTimeZoneIdentifiers)
        }
        return names
    }()

    /// Whether `name` is a zone the system's database has.
    public static func isKnown(_ name: String) -> Bool {
        ZoneRules.named(name) != nil
    }

    /// The note for an unknown zone: a close spelling, or how zones are written.
    public static func notes(forUnknown name: String) -> [Diagnostic.Note] {
        if let match = Suggestion.nearest(to: name, in: known.sorted()) {
            return [.init("did you mean '\(match)'?")]
        }
        return [.init("use an IANA zone name such as 'Asia/Shanghai' or 'America/New_York'")]
    }
}
