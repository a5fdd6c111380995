import TicklerCore

/// A JSON document for the `--format json` of `status` and `history`: strings escaped by
/// `JSONText` (nothing a customer wrote can break out of a string), object keys in the order given,
/// two spaces of indentation, a newline at the end.
public indirect enum JSONDocument: Sendable {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([JSONDocument])
    case object([(String, JSONDocument)])

    /// A string, or `null` for `nil`.
    public static func string(_ text: String?) -> JSONDocument { text.map { .string($0) } ?? .null }

    /// A number, or `null` for `nil`.
    public static func number(_ value: Int?) -> JSONDocument { value.map { .number(Int64($0)) } ?? .null }

    public var text: String {
        var out = ""
        write(into: &out, indent: "")
        return out + "\n"
    }

    private func write(into out: inout String, indent: String) {
        switch self {
        case .string(let text): out += JSONText.quoted(text)
        case .number(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += indent + "  "
                item.write(into: &out, indent: indent + "  ")
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let fields):
            guard !fields.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, (key, value)) in fields.enumerated() {
                out += indent + "  " + JSONText.quoted(key) + ": "
                value.write(into: &out, indent: indent + "  ")
                out += index == fields.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }
}
