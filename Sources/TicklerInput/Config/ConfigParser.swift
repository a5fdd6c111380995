import TicklerCore

/// Reads `tickler.yaml` from its text. Every problem is reported; the configuration is returned
/// whenever it could be built (even with errors), so later stages can still check what they can.
public enum ConfigParser {
    /// - Parameter zones: the zone database the zones named must be in; `config.zoneRules` is read from it.
    public static func parse(_ source: SourceText, zones: any ZoneDatabase) -> (
        config: Config?, diagnostics: Diagnostics
    ) {
        var diagnostics = Diagnostics()
        let root: YAMLNode
        switch YAMLDocument.parse(source) {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return (nil, diagnostics)
        case .success(nil):
            diagnostics.error(
                "the configuration file is empty", at: .file(source.path),
                notes: [.init("it needs at least 'timezone:'; see etc/tickler.yaml for a working example")])
            return (nil, diagnostics)
        case .success(let node?):
            root = node
        }
        guard
            let map = MappingReader(
                root, context: "the configuration", allowed: ConfigKeys.topLevel, diagnostics: &diagnostics)
        else { return (nil, diagnostics) }
        let directory = Paths.directory(of: source.path)
        var builder = Builder(map: map, directory: directory, zones: zones, diagnostics: diagnostics)
        let config = builder.build(path: source.path)
        return (config, builder.diagnostics)
    }

    struct Builder {
        let map: MappingReader
        let directory: String
        let zones: any ZoneDatabase
        var diagnostics: Diagnostics

        mutating func build(path: String) -> Config? {
            let timezone = zone("timezone", in: map, required: true)
            var language = Config.defaultLanguage
            if let (text, node) = map.string("language", diagnostics: &diagnostics) {
                if Names.isLanguage(text) {
                    language = text
                } else {
                    diagnostics.error(
                        "invalid language '\(text)'", at: node.location(atScalarOffset: 0),
                        notes: [.init("write a language code such as 'zh', 'en' or 'zh-TW'")])
                }
            }
            let stateNode = map.string("state", diagnostics: &diagnostics)
            let state =
                stateNode.map { Config.isDatabaseURL($0.text) ? $0.text : resolve($0.text) }
                ?? resolve(Config.defaultStateFile)
            let shared = parseSharedState(state: stateNode)
            let templates =
                map.string("templates", diagnostics: &diagnostics).map { resolve($0.text) }
                ?? resolve(Config.defaultTemplatesDirectory)
            let contacts = (map.stringList("contacts", diagnostics: &diagnostics) ?? []).map {
                SourcePath(path: resolve($0.text), location: $0.node.location)
            }
            let catchUp = map.duration("catch_up", diagnostics: &diagnostics) ?? Config.defaultCatchUp
            let retry = parseRetry()
            let calendarFiles = parseCalendars()
            let calendar = calendarName(in: map, calendars: calendarFiles, context: "the configuration")
            var owners = parseOwners(calendars: calendarFiles)
            let channels = parseChannels()
            let rules = parseRules(owners: owners, channels: channels)
            checkDigests(&owners, channels: channels, rules: rules)
            let http = parseHTTP()
            guard let timezone else { return nil }
            return Config(
                path: path, timezone: timezone, language: language, statePath: state, contactFiles: contacts,
                templatesDirectory: templates, catchUp: catchUp, retry: retry, owners: owners, channels: channels,
                rules: rules, http: http, calendarFiles: calendarFiles, calendar: calendar,
                zoneRules: zones.rules(named: timezone) ?? .utc, shared: shared)
        }

        /// `state_password_env`, `state_password_file` and `lease`, which only a `postgres://` state
        /// takes; a password written into the URL itself is refused.
        mutating func parseSharedState(state: (text: String, node: YAMLNode)?) -> Config.SharedState {
            var shared = Config.SharedState()
            let isURL = state.map { Config.isDatabaseURL($0.text) } ?? false
            if let (text, node) = state, isURL, let at = text.firstIndex(of: "@"),
                text[text.index(text.startIndex, offsetBy: text.hasPrefix("postgresql://") ? 13 : 11)..<at].contains(
                    ":")
            {
                diagnostics.error(
                    "the state URL holds a password", at: node.location(atScalarOffset: 0),
                    notes: [.init("take it out, and give it with state_password_env or state_password_file")])
            }
            for key in ["state_password_env", "state_password_file", "lease"] {
                guard !isURL, let node = map.key(key) else { continue }
                diagnostics.error(
                    "'\(key)' applies to a PostgreSQL store only", at: node.location,
                    notes: [.init("'state:' names a SQLite file here; a shared store is 'state: postgres://…'")])
            }
            shared.passwordVariable = map.string("state_password_env", diagnostics: &diagnostics)?.text
            shared.passwordFile = map.string("state_password_file", diagnostics: &diagnostics).map { resolve($0.text) }
            if shared.passwordVariable != nil, shared.passwordFile != nil, let node = map.key("state_password_file") {
                diagnostics.error(
                    "give the database password one way: state_password_env or state_password_file",
                    at: node.location, notes: [])
            }
            if let lease = map.duration("lease", diagnostics: &diagnostics) {
                if lease.seconds < 3, let node = map.key("lease") {
                    diagnostics.error(
                        "a lease of \(lease) is too short", at: node.location,
                        notes: [.init("replicas renew leases every lease/3; give at least 3s (default 30s)")])
                } else {
                    shared.lease = lease
                }
            }
            return shared
        }

        /// `retry: { first: 30s, max: 1h, give_up: 24h }`, each key optional.
        mutating func parseRetry() -> RetryPolicy {
            var policy = RetryPolicy()
            guard let node = map.value("retry", diagnostics: &diagnostics),
                let retry = MappingReader(
                    node, context: "'retry'", allowed: ConfigKeys.retry, diagnostics: &diagnostics)
            else { return policy }
            if let first = retry.duration("first", diagnostics: &diagnostics) { policy.initialDelay = first.seconds }
            if let most = retry.duration("max", diagnostics: &diagnostics) { policy.maximumDelay = most.seconds }
            if let giveUp = retry.duration("give_up", diagnostics: &diagnostics) { policy.giveUpAfter = giveUp.seconds }
            if policy.maximumDelay < policy.initialDelay, let key = retry.key("max") {
                diagnostics.error(
                    "retry 'max' is shorter than 'first'", at: key.location,
                    notes: [.init("the wait doubles from 'first' up to 'max'; make 'max' at least 'first'")])
            }
            return policy
        }

        func resolve(_ path: String) -> String { Paths.resolve(path, against: directory) }

        /// A zone name under `key`, checked against the zone database.
        mutating func zone(_ key: String, in map: MappingReader, required: Bool) -> String? {
            if required, !map.has(key) {
                diagnostics.error(
                    "\(map.context) is missing '\(key)'", at: map.node.location,
                    notes: [.init("name the zone your team works in, e.g. 'timezone: Asia/Shanghai'")])
                return nil
            }
            guard let (text, node) = map.string(key, diagnostics: &diagnostics) else { return nil }
            guard zones.isKnown(text) else {
                diagnostics.error(
                    "unknown time zone '\(text)'", at: node.location(atScalarOffset: 0),
                    notes: zones.notes(forUnknown: text))
                return nil
            }
            return text
        }

        /// A map of named entries (`owners:`, `channels:`): each name and its value node.
        mutating func namedEntries(_ key: String, nameRule: Names.Rule) -> [(
            name: String, key: YAMLNode, value: YAMLNode
        )] {
            guard let node = map.value(key, diagnostics: &diagnostics) else { return [] }
            guard let pairs = node.pairs else {
                diagnostics.error(
                    "'\(key)' must be a map of names to settings, not \(node.kindDescription)", at: node.location)
                return []
            }
            var result: [(String, YAMLNode, YAMLNode)] = []
            for (keyNode, value) in pairs {
                guard let name = keyNode.scalar, !keyNode.isNull else {
                    diagnostics.error(
                        "names in '\(key)' must be plain words, not \(keyNode.kindDescription)", at: keyNode.location)
                    continue
                }
                guard nameRule.check(name, at: keyNode, diagnostics: &diagnostics) else { continue }
                result.append((name, keyNode, value))
            }
            return result
        }

        mutating func parseOwners(calendars: [String: SourcePath]) -> [String: Owner] {
            var owners: [String: Owner] = [:]
            var managers: [String: (id: String, node: YAMLNode)] = [:]
            for (id, keyNode, value) in namedEntries("owners", nameRule: Names.owner) {
                guard
                    let owner = MappingReader(
                        value, context: "owner '\(id)'", allowed: ConfigKeys.owner, diagnostics: &diagnostics)
                else { continue }
                let name = owner.required(
                    "name", diagnostics: &diagnostics, note: "the name is used in messages, e.g. 'name: 李娜'")?.text
                var email: String?
                if let (text, node) = owner.string("email", diagnostics: &diagnostics) {
                    switch EmailAddress.validate(text) {
                    case .success(let address): email = address
                    case .failure(let problem):
                        diagnostics.error(
                            "invalid email address '\(text)' for owner '\(id)'", at: node.location(atScalarOffset: 0),
                            notes: [.init(problem.reason)])
                    }
                }
                let timezone = zone("timezone", in: owner, required: false)
                var language: String?
                if let (text, node) = owner.string("language", diagnostics: &diagnostics) {
                    if Names.isLanguage(text) {
                        language = text
                    } else {
                        diagnostics.error(
                            "invalid language '\(text)' for owner '\(id)'", at: node.location(atScalarOffset: 0),
                            notes: [.init("write a language code such as 'zh', 'en' or 'zh-TW'")])
                    }
                }
                if let (manager, node) = owner.string("manager", diagnostics: &diagnostics) {
                    managers[id] = (manager, node)
                }
                let calendar = calendarName(in: owner, calendars: calendars, context: "owner '\(id)'")
                owners[id] = Owner(
                    id: id, name: name ?? id, email: email, timezone: timezone, manager: managers[id]?.id,
                    language: language, calendar: calendar, location: keyNode.location,
                    digest: parseDigest(owner, id: id))
            }
            checkManagers(&owners, managers)
            return owners
        }

        /// Every `manager:` names another owner, and following managers never comes back around.
        mutating func checkManagers(_ owners: inout [String: Owner], _ managers: [String: (id: String, node: YAMLNode)])
        {
            for (id, (manager, node)) in managers.sorted(by: { $0.value.node.location < $1.value.node.location }) {
                if manager == id {
                    diagnostics.error(
                        "owner '\(id)' is their own manager", at: node.location(atScalarOffset: 0),
                        notes: [.init("'manager' names another owner, or is left out")])
                    owners[id]?.manager = nil
                } else if owners[manager] == nil {
                    diagnostics.error(
                        "unknown manager '\(manager)' for owner '\(id)'", at: node.location(atScalarOffset: 0),
                        notes: Suggestion.note(for: manager, in: owners.keys.sorted()) + [
                            .init("a manager must be one of the owners")
                        ])
                    owners[id]?.manager = nil
                }
            }
            var reported = Set<String>()
            for id in owners.keys.sorted() {
                var chain = [id]
                var current = owners[id]?.manager
                while let next = current {
                    if let start = chain.firstIndex(of: next) {
                        let cycle = Array(chain[start...]) + [next]
                        if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted,
                            let (_, node) = managers[chain.last!]
                        {
                            diagnostics.error(
                                "managers form a cycle: \(cycle.map { "'\($0)'" }.joined(separator: " → "))",
                                at: node.location(atScalarOffset: 0),
                                notes: [
                                    .init(
                                        "escalation follows managers upwards and must end at an owner without a manager"
                                    )
                                ])
                        }
                        owners[chain.last!]?.manager = nil  // so nothing downstream follows the cycle
                        break
                    }
                    chain.append(next)
                    current = owners[next]?.manager
                }
            }
        }
    }
}
