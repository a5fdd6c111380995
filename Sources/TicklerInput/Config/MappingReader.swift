import TicklerCore

/// Reads one YAML map of the configuration: rejects keys it does not know (with "did you mean"),
/// and turns each value into a typed one or a diagnostic at the value's place.
struct MappingReader {
    let node: YAMLNode
    /// How the map is named in messages: "rule 'thank-you'", "channel 'email'", "the configuration".
    let context: String
    private var entries: [String: (key: YAMLNode, value: YAMLNode)] = [:]
    private(set) var orderedKeys: [String] = []

    /// Reads `node` as a map whose keys must be in `allowed`; `nil` (with an error) if it is not a map.
    init?(_ node: YAMLNode, context: String, allowed: [String], diagnostics: inout Diagnostics) {
        self.node = node
        self.context = context
        guard let pairs = node.pairs else {
            diagnostics.error(
                "\(context) must be a map of keys and values, not \(node.kindDescription)", at: node.location)
            return nil
        }
        for (key, value) in pairs {
            guard let name = key.scalar, !key.isNull else {
                diagnostics.error("keys must be plain words, not \(key.kindDescription)", at: key.location)
                continue
            }
            guard allowed.contains(name) else {
                var notes = Suggestion.note(for: name, in: allowed)
                if notes.isEmpty { notes = [.init("allowed keys: \(allowed.joined(separator: ", "))")] }
                diagnostics.error("unknown key '\(name)' in \(context)", at: key.location, notes: notes)
                continue
            }
            entries[name] = (key, value)
            orderedKeys.append(name)
        }
    }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func key(_ key: String) -> YAMLNode? { entries[key]?.key }

    /// The value of `key`, or `nil` when absent; a key written without a value is an error.
    func value(_ key: String, diagnostics: inout Diagnostics) -> YAMLNode? {
        guard let entry = entries[key] else { return nil }
        if entry.value.isNull {
            diagnostics.error(
                "'\(key)' in \(context) has no value",
                at: entry.value.isNull ? entry.key.location : entry.value.location)
            return nil
        }
        return entry.value
    }

    /// A text value, or `nil` (with an error when present but not text).
    func string(_ key: String, diagnostics: inout Diagnostics) -> (text: String, node: YAMLNode)? {
        guard let value = value(key, diagnostics: &diagnostics) else { return nil }
        guard let text = value.scalar else {
            diagnostics.error("'\(key)' in \(context) must be text, not \(value.kindDescription)", at: value.location)
            return nil
        }
        return (text, value)
    }

    /// A required text value; reports it missing at the map's start.
    func required(_ key: String, diagnostics: inout Diagnostics, note: String? = nil) -> (text: String, node: YAMLNode)?
    {
        guard has(key) else {
            diagnostics.error(
                "\(context) is missing '\(key)'", at: node.location, notes: note.map { [.init($0)] } ?? [])
            return nil
        }
        return string(key, diagnostics: &diagnostics)
    }

    /// A value from a fixed set of words (`starttls: required|optional|off`).
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type, diagnostics: inout Diagnostics)
        -> T?
    where T.RawValue == String {
        guard let (text, node) = string(key, diagnostics: &diagnostics) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        diagnostics.error(
            "invalid \(key) '\(text)' in \(context)", at: node.location(atScalarOffset: 0),
            notes: Suggestion.note(for: text, in: allowed) + [.init("'\(key)' is one of \(allowed.quotedList)")])
        return nil
    }

    /// A duration (`30m`, `2h`, `3d`, `2w`).
    /// A duration; working days (`3wd`) only when `workdays` (for `delay`).
    func duration(_ key: String, workdays: Bool = false, diagnostics: inout Diagnostics) -> TimeSpan? {
        guard let (text, node) = string(key, diagnostics: &diagnostics) else { return nil }
        return Self.duration(text, at: node, key: key, context: context, workdays: workdays, diagnostics: &diagnostics)
    }

    static func duration(
        _ text: String, at node: YAMLNode, key: String, context: String, workdays: Bool = false,
        diagnostics: inout Diagnostics
    ) -> TimeSpan? {
        if let span = TimeSpan.parse(text) {
            guard span.unit == .workdays, !workdays else { return span }
            diagnostics.error(
                "working days ('\(text)') do not apply to '\(key)' in \(context)", at: node.location(atScalarOffset: 0),
                notes: [
                    .init(
                        "only an 'after' rule's 'delay' counts working days; write '\(span.value)d' for calendar days")
                ])
            return nil
        }
        diagnostics.error(
            "invalid duration '\(text)' for '\(key)' in \(context)", at: node.location(atScalarOffset: 0),
            notes: [
                .init(
                    "write a whole number and a unit: s, m, h, d or w (e.g. '30m', '2h', '3d', '2w')"
                        + (workdays ? ", or wd for working days ('3wd')" : ""))
            ])
        return nil
    }

    /// A list of text values; a single text value is taken as a list of one.
    func stringList(_ key: String, diagnostics: inout Diagnostics) -> [(text: String, node: YAMLNode)]? {
        guard let value = value(key, diagnostics: &diagnostics) else { return nil }
        let items = value.items ?? [value]
        var result: [(String, YAMLNode)] = []
        for item in items {
            guard let text = item.scalar, !item.isNull else {
                diagnostics.error(
                    "'\(key)' in \(context) must be a list of text values, not contain \(item.kindDescription)",
                    at: item.location)
                continue
            }
            result.append((text, item))
        }
        return result
    }

    /// `true` or `false`.
    func boolean(_ key: String, diagnostics: inout Diagnostics) -> Bool? {
        guard let (text, node) = string(key, diagnostics: &diagnostics) else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            diagnostics.error(
                "invalid \(key) '\(text)' in \(context)", at: node.location(atScalarOffset: 0),
                notes: [.init("'\(key)' is 'true' or 'false'")])
            return nil
        }
    }

    /// A whole number in a range.
    func integer(_ key: String, in range: ClosedRange<Int>, diagnostics: inout Diagnostics) -> Int? {
        guard let (text, node) = string(key, diagnostics: &diagnostics) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            diagnostics.error(
                "invalid \(key) '\(text)' in \(context)", at: node.location(atScalarOffset: 0),
                notes: [.init("'\(key)' is a whole number from \(range.lowerBound) to \(range.upperBound)")])
            return nil
        }
        return number
    }
}
