import TicklerCore

/// Everything Tickler works from, loaded and checked: the configuration, every contact, and the
/// compiled templates of every rule.
public struct Workspace: Sendable {
    public var config: Config
    public var contacts: [Contact]
    /// Template name → language (`nil` for `NAME.txt`) → template.
    public var templates: [String: [String?: Template]]
    /// The zone database the workspace was checked against, which its schedule reads zones from.
    public var zones: any ZoneDatabase

    public init(
        config: Config, contacts: [Contact], templates: [String: [String?: Template]], zones: any ZoneDatabase
    ) {
        self.config = config
        self.contacts = contacts
        self.templates = templates
        self.zones = zones
    }

    /// The schedule of this workspace, its work spread with `lanes`.
    public func schedule(lanes: any Parallelism = DispatchLanes()) -> Schedule {
        Schedule(config: config, contacts: contacts, zones: zones, lanes: lanes)
    }

    /// One line for `tickler check`: what was loaded.
    public var summary: String {
        let files = templates.values.flatMap(\.values).reduce(0) { $0 + ($1.html == nil ? 1 : 2) }
        var languages = Set<String>()
        for variants in templates.values {
            for language in variants.keys { languages.insert(language ?? config.language) }
        }
        let counts =
            [
                count(config.rules.count, "rule"), count(contacts.count, "contact"),
                count(config.channels.count, "channel"), count(templates.count, "template"),
            ] + (config.calendars.isEmpty ? [] : [count(config.calendars.count, "calendar")])
        let list = counts.joined(separator: ", ")
        guard files > 0 else { return list }
        return list + " (\(count(files, "file")) in \(languages.sorted().joined(separator: ", ")))"
    }

    private func count(_ count: Int, _ word: String) -> String { "\(count) " + (count == 1 ? word : word + "s") }
}
