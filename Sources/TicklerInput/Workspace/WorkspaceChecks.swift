import TicklerCore

/// Checks that need the configuration and the contacts together. Mistakes that would make a rule
/// silently skip people are warnings naming how many contacts are affected and one example.
enum WorkspaceChecks {
    static func run(_ workspace: Workspace, environment: [String: String], diagnostics: inout Diagnostics) {
        let config = workspace.config
        let names = namesInUse(workspace.contacts)
        let fieldsInUse = Set(Contact.standardFields).union(names.fields)
        let datesInUse = names.dates
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
            checkUnsubscribeLink(rule, config: config, diagnostics: &diagnostics)
        }
        checkEnvironment(config, environment: environment, diagnostics: &diagnostics)
    }

    /// The names of the custom fields and of the dates any contact has.
    static func namesInUse(_ contacts: [Contact]) -> (fields: Set<String>, dates: Set<String>) {
        var fields = Set<String>()
        var dates = Set<String>()
        for index in contacts.indices {
            if !contacts[index].fields.isEmpty { fields.formUnion(contacts[index].fields.keys) }
            if !contacts[index].dates.isEmpty { dates.formUnion(contacts[index].dates.keys) }
        }
        return (fields, dates)
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
        // Counted without copying contacts or building messages, and each owner looked at once: a
        // million contacts may go through here.
        var count = 0
        var first: (index: Int, reason: Unreachable)?
        var byOwner: [String: Unreachable?] = [:]
        let contacts = workspace.contacts
        let filtered = !rule.filter.conditions.isEmpty
        for index in contacts.indices {
            if filtered, !ContactMatcher.matches(contacts[index], rule.filter) { continue }
            let reason: Unreachable?
            switch rule.recipient {
            case .contact:
                reason = needsEmail && !contacts[index].hasEmail ? .noEmail : nil
            case .owner, .manager:
                if let ownerID = contacts[index].owner {
                    if let known = byOwner[ownerID] {
                        reason = known
                    } else {
                        reason = unreachable(owner: ownerID, rule: rule, config: config, needsEmail: needsEmail)
                        byOwner[ownerID] = reason
                    }
                } else {
                    reason = .noOwner
                }
            }
            guard let reason else { continue }
            count += 1
            if first == nil { first = (index, reason) }
        }
        guard let first else { return }
        let contact = contacts[first.index]
        diagnostics.warning(
            "rule '\(rule.name)' cannot reach \(count) \(count == 1 ? "contact" : "contacts")", at: rule.location,
            notes: [
                .init("contact '\(contact.id)' \(first.reason)", at: contact.location),
                .init("these contacts are skipped and logged when the rule fires"),
            ])
    }

    /// Warns when a rule emails contacts over SMTP and no `http.public_url` gives its messages an
    /// unsubscribe link (`List-Unsubscribe`).
    private static func checkUnsubscribeLink(_ rule: Rule, config: Config, diagnostics: inout Diagnostics) {
        guard rule.recipient == .contact, config.http?.publicURL == nil, let channel = config.channels[rule.channel],
            case .smtp = channel.kind
        else { return }
        diagnostics.warning(
            "messages to contacts carry no unsubscribe link: rule '\(rule.name)' emails contacts "
                + "and 'http' has no 'public_url'",
            at: rule.location,
            notes: [
                .init(
                    "set 'public_url' under 'http:' to the address this server is reached at, e.g. "
                        + "'https://tickler.example.com': every email to a contact then carries List-Unsubscribe "
                        + "with one-click unsubscribe (RFC 8058), which large mailbox providers require of bulk senders"
                )
            ])
    }

    /// Why a rule's reminder for a contact reaches nobody.
    private enum Unreachable: CustomStringConvertible {
        case noEmail
        case noOwner
        case ownerWithoutManager(owner: String)
        case personWithoutEmail(person: String)

        var description: String {
            switch self {
            case .noEmail: "has no email"
            case .noOwner: "has no owner"
            case .ownerWithoutManager(let owner): "has owner '\(owner)', who has no manager"
            case .personWithoutEmail(let person): "goes to '\(person)', who has no email"
            }
        }
    }

    /// Why a rule's reminders for the contacts of `ownerID` (to them or to their manager) reach nobody.
    private static func unreachable(owner ownerID: String, rule: Rule, config: Config, needsEmail: Bool)
        -> Unreachable?
    {
        guard let owner = config.owners[ownerID] else { return .noOwner }
        var person = owner
        if rule.recipient == .manager {
            guard let managerID = owner.manager, let manager = config.owners[managerID] else {
                return .ownerWithoutManager(owner: owner.id)
            }
            person = manager
        }
        return needsEmail && person.email == nil ? .personWithoutEmail(person: person.id) : nil
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
