/// A mailbox: an address with an optional display name (`客户服务部 <service@example.com>`).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public var displayName: String?
    /// `local@domain`, checked for syntax: printable ASCII or UTF-8 local part, a dotted domain.
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }

    /// Parses `addr@example.com` or `Name <addr@example.com>` (the name may be in double quotes).
    /// Returns the reason it is not an address otherwise.
    public static func parse(_ text: String) -> Result<EmailAddress, AddressError> {
        let trimmed = text.trimmingSpaces
        if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(AddressError("control characters (such as line breaks) are not allowed in an address"))
        }
        guard let open = trimmed.lastIndex(of: "<") else {
            return validate(trimmed).map { EmailAddress(address: $0) }
        }
        guard trimmed.hasSuffix(">") else {
            return .failure(AddressError("'<' without a closing '>'"))
        }
        var name = String(trimmed[..<open]).trimmingSpaces
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
            name = String(name.dropFirst().dropLast())
        }
        if name.contains("\"") {
            return .failure(AddressError("a display name may not contain '\"'"))
        }
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        return validate(inner).map { EmailAddress(displayName: name.isEmpty ? nil : name, address: $0) }
    }

    /// Checks a bare address `local@domain`.
    public static func validate(_ address: String) -> Result<String, AddressError> {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return .failure(
                AddressError(parts.count == 1 ? "no '@' in the address" : "more than one '@' in the address"))
        }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.utf8.count <= 64 else {
            return .failure(AddressError("the part before '@' must have 1 to 64 characters"))
        }
        let specials = Set("()<>[]\\,;:\" ")
        guard !local.contains(where: { specials.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else {
            return .failure(AddressError("the part before '@' contains a character an address cannot have"))
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253,
            labels.allSatisfy({ label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.unicodeScalars.allSatisfy {
                        ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-") && $0 != " "
                    }
            })
        else {
            return .failure(AddressError("'\(domain)' is not a domain name such as 'example.com'"))
        }
        return .success(address)
    }

    /// Why a text is not an email address.
    public struct AddressError: Error, Sendable, Hashable {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
