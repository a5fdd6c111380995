/// Checks that need the configuration and the contacts together. Mistakes that would make a rule
/// silently skip people are warnings naming how many contacts are affected and one example.
enum WorkspaceChecks {
    static func run(_ workspace: Workspace, environment: [String: String], diagnostics: inout Diagnostics) {
        let config = workspace.config
        let contacts = workspace.contacts
        let fieldsInUse = Set(Contact.standardFields).union(contacts.flatMap(\.fields.keys))
        let datesInUse = Set(contacts.flatMap(\.dates.keys))
        for rule in config.rules {
            checkFilter(rule, fieldsInUse: fieldsInUse, diagnostics: &diagnostics)
            if case .date(let trigger) = rule.trigger, case .custom(let name) = trigger.field,
                !datesInUse.contains(name)
            {
                diagnostics.warning(
                    "no contact has a date '\(name)' for rule '\(rule.name)'", at: rule.location,
                    notes: Suggestion.note(for: name, in: datesInUse.sorted())
                        + [.init("the rule follows a date under each contact's 'dates:'; as it stands it never fires")])
            }
            checkRecipients(rule, workspace: workspace, diagnostics: &diagnostics)
        }
        checkEnvironment(config, environment: environment, diagnostics: &diagnostics)
    }

    private static func checkFilter(_ rule: Rule, fieldsInUse: Set<String>, diagnostics: inout Diagnostics) {
        for condition in rule.filter.conditions where !fieldsInUse.contains(condition.field) {
            diagnostics.warning(
                "no contact has a field '\(condition.field)' in 'where' of rule '\(rule.name)'", at: condition.location,
                notes: Suggestion.note(for: condition.field, in: fieldsInUse.sorted())
                    + [.init("as it stands the rule matches nobody")])
        }
    }

    /// Warns when some matched contacts cannot be reached: no owner, no manager, no email.
    private static func checkRecipients(_ rule: Rule, workspace: Workspace, diagnostics: inout Diagnostics) {
        let config = workspace.config
        guard let channel = config.channels[rule.channel] else { return }
        let needsEmail: Bool =
            switch channel.kind {
            case .smtp: true
            case .file(let file): file.format == .eml
            case .webhook: false
            }
        var unreachable: [(contact: Contact, reason: String)] = []
        for contact in workspace.contacts where ContactMatcher.matches(contact, rule.filter) {
            switch rule.recipient {
            case .contact:
                if needsEmail, contact.email == nil { unreachable.append((contact, "has no email")) }
            case .owner, .manager:
                guard let ownerID = contact.owner, let owner = config.owners[ownerID] else {
                    unreachable.append((contact, "has no owner"))
                    continue
                }
                var person = owner
                if rule.recipient == .manager {
                    guard let managerID = owner.manager, let manager = config.owners[managerID] else {
                        unreachable.append((contact, "has owner '\(owner.id)', who has no manager"))
                        continue
                    }
                    person = manager
                }
                if needsEmail, person.email == nil {
                    unreachable.append((contact, "goes to '\(person.id)', who has no email"))
                }
            }
        }
        guard let first = unreachable.first else { return }
        let count = unreachable.count
        diagnostics.warning(
            "rule '\(rule.name)' cannot reach \(count) \(count == 1 ? "contact" : "contacts")", at: rule.location,
            notes: [
                .init("contact '\(first.contact.id)' \(first.reason)", at: first.contact.location),
                .init("these contacts are skipped and logged when the rule fires"),
            ])
    }

    /// Warns about `${VAR}` references and secrets of channels in use whose variables are unset.
    private static func checkEnvironment(
        _ config: Config, environment: [String: String], diagnostics: inout Diagnostics
    ) {
        let used = Set(config.rules.map(\.channel))
        for name in used.sorted() {
            guard let channel = config.channels[name] else { continue }
            var variables: [String] = []
            switch channel.kind {
            case .file: break
            case .smtp(let smtp):
                variables += (try? EnvironmentReferences.names(in: smtp.url + (smtp.username ?? "")).get()) ?? []
                if case .environment(let variable) = smtp.password { variables.append(variable) }
            case .webhook(let webhook):
                variables += (try? EnvironmentReferences.names(in: webhook.url + (webhook.chatID ?? "")).get()) ?? []
                if case .environment(let variable) = webhook.secret { variables.append(variable) }
            }
            for variable in variables where environment[variable] == nil {
                diagnostics.warning(
                    "environment variable '\(variable)' used by channel '\(name)' is not set", at: channel.location,
                    notes: [
                        .init(
                            "set it where the daemon runs, e.g. 'Environment=' or 'EnvironmentFile=' in the systemd unit"
                        )
                    ])
            }
        }
    }
}

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
