/// The whole of `tickler.yaml`, checked: every path resolved against the file's directory, every
/// reference (owner, channel, manager) known to exist.
public struct Config: Sendable {
    /// The file it was read from, as given.
    public var path: String
    /// `timezone:` — the default zone for contacts and owners that name none.
    public var timezone: String
    /// `language:` — the language of templates without a language suffix (`NAME.txt`). Default `zh`.
    public var language: String
    /// `state:` — the SQLite state store (default `tickler.sqlite` beside the configuration), or a
    /// PostgreSQL store's `postgres://` URL, shared by replicas.
    public var statePath: String
    /// `state_password_env` / `state_password_file` and `lease`: how a PostgreSQL store is reached
    /// and how long a replica's claims last.
    public var shared = SharedState()
    /// `contacts:` — contact files, in order.
    public var contactFiles: [SourcePath]
    /// `templates:` — the template directory. Default `templates` beside the configuration.
    public var templatesDirectory: String
    /// `catch_up:` — how late a reminder missed during downtime may still go out. Default 24h.
    public var catchUp: TimeSpan
    /// `retry:` — how the daemon retries transient delivery failures (*extension*; default 30s
    /// doubling to 1h, giving up after 24h, as the SPEC's guarantees say).
    public var retry: RetryPolicy
    public var owners: [String: Owner]
    public var channels: [String: Channel]
    public var rules: [Rule]
    /// `http:` — the HTTP service; `nil` when the configuration has none.
    public var http: HTTPSettings?
    /// `calendars:` — the calendar files by name, resolved against the configuration's directory.
    public var calendarFiles: [String: SourcePath]
    /// The calendars of `calendarFiles`, read from their files by the workspace loader.
    public var calendars: [String: HolidayCalendar]
    /// `calendar:` — the calendar of owners that name none (and of contacts without an owner).
    public var calendar: String?
    /// The rules of `timezone`, resolved when the configuration was read (UTC when unresolved).
    public var zoneRules: ZoneRules

    public init(
        path: String, timezone: String, language: String = Config.defaultLanguage, statePath: String,
        contactFiles: [SourcePath] = [], templatesDirectory: String, catchUp: TimeSpan = Config.defaultCatchUp,
        retry: RetryPolicy = RetryPolicy(), owners: [String: Owner] = [:], channels: [String: Channel] = [:],
        rules: [Rule] = [], http: HTTPSettings? = nil, calendarFiles: [String: SourcePath] = [:],
        calendars: [String: HolidayCalendar] = [:], calendar: String? = nil, zoneRules: ZoneRules = .utc,
        shared: SharedState = SharedState()
    ) {
        self.shared = shared
        self.path = path
        self.timezone = timezone
        self.language = language
        self.statePath = statePath
        self.contactFiles = contactFiles
        self.templatesDirectory = templatesDirectory
        self.catchUp = catchUp
        self.retry = retry
        self.owners = owners
        self.channels = channels
        self.rules = rules
        self.http = http
        self.calendarFiles = calendarFiles
        self.calendars = calendars
        self.calendar = calendar
        self.zoneRules = zoneRules
    }

    /// Whether a `state:` value is a PostgreSQL URL rather than a SQLite file's path.
    public static func isDatabaseURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// What a PostgreSQL `state:` needs beyond its URL.
    public struct SharedState: Sendable, Hashable {
        /// `state_password_env`: the environment variable that holds the database password.
        public var passwordVariable: String?
        /// `state_password_file`: the file whose first line is the password (resolved).
        public var passwordFile: String?
        /// `lease`: how long a replica's claim on a delivery lasts without a heartbeat. Default 30 s.
        public var lease: TimeSpan = TimeSpan(30, .seconds)

        public init() {}
    }

    /// The calendar of an owner (its `calendar:`, else the configuration's); of a contact without
    /// an owner for `nil`. `nil` when there is none: Monday to Friday are then the working days.
    public func calendar(ofOwner id: String?) -> HolidayCalendar? {
        let name = id.flatMap { owners[$0]?.calendar } ?? calendar
        return name.flatMap { calendars[$0] }
    }

    public static let defaultLanguage = "zh"
    public static let defaultCatchUp = TimeSpan(24, .hours)
    public static let defaultStateFile = "tickler.sqlite"
    public static let defaultTemplatesDirectory = "templates"
}

/// A path resolved against the configuration's directory, with the place it was written.
public struct SourcePath: Sendable, Hashable {
    public var path: String
    public var location: SourceLocation

    public init(path: String, location: SourceLocation) {
        self.path = path
        self.location = location
    }
}

/// `owners:` — a person reminders go to: an account manager and, through `manager`, their manager.
public struct Owner: Sendable, Hashable {
    public var id: String
    public var name: String
    public var email: String?
    /// An IANA zone; `nil` takes the configuration's.
    public var timezone: String?
    /// Another owner's id.
    public var manager: String?
    /// The language of messages to this owner (`NAME.LANG.txt`); `nil` takes the configuration's.
    public var language: String?
    /// `calendar:` — a name under `calendars:`; `nil` takes the configuration's.
    public var calendar: String?
    public var location: SourceLocation
    /// `digest:` — when and how this person receives the morning digest; `nil`: none.
    public var digest: Digest?

    public init(
        id: String, name: String, email: String? = nil, timezone: String? = nil, manager: String? = nil,
        language: String? = nil, calendar: String? = nil, location: SourceLocation, digest: Digest? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.timezone = timezone
        self.manager = manager
        self.language = language
        self.calendar = calendar
        self.location = location
        self.digest = digest
    }
}
