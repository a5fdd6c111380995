/// Whether a contact passes a rule's `where:`.
public enum ContactMatcher {
    public static func matches(_ contact: Contact, _ filter: ContactFilter) -> Bool {
        filter.conditions.allSatisfy { condition in
            switch condition.field {
            case "tags": return contact.tags.contains { condition.values.contains($0) }
            default:
                guard let value = value(of: condition.field, in: contact) else { return false }
                return condition.values.contains(value)
            }
        }
    }

    /// A contact's field as text (standard or custom); `nil` when unset.
    public static func value(of field: String, in contact: Contact) -> String? {
        switch field {
        case "id": contact.id
        case "name": contact.name
        case "email": contact.email
        case "phone": contact.phone
        case "timezone": contact.timezone
        case "tier": contact.tier
        case "owner": contact.owner
        case "language": contact.language
        case "birthday": contact.birthday?.description
        case "lunar_birthday": contact.lunarBirthday?.description
        default: contact.fields[field]
        }
    }
}
