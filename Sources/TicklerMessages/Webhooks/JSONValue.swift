import TicklerCore
import TicklerInput

/// A JSON document written compactly, object keys in the order given, strings escaped by
/// `JSONText.quoted` — so a webhook body is the same bytes every time (a signature covers those bytes)
/// and nothing a customer writes can break out of a string.
enum JSONValue {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// An object of the fields that have a value; `nil` fields are left out.
    static func object(_ fields: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        .object(fields.compactMap { key, value in value.map { (key, $0) } })
    }

    /// `.string(text)`, or `nil` for no text.
    static func string(ifPresent text: String?) -> JSONValue? { text.map(JSONValue.string) }

    /// The UTF-8 bytes of the document.
    var bytes: [UInt8] {
        var text = ""
        write(to: &text)
        return Array(text.utf8)
    }

    private func write(to output: inout String) {
        switch self {
        case .string(let text): output += JSONText.quoted(text)
        case .int(let value): output += String(value)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                output += JSONText.quoted(key) + ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }
}
