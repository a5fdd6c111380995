import PostgresNIO
import TicklerStore

/// The schema, as named migrations in the order they shipped (a shipped migration is never edited;
/// a change is a new one at the end), applied on open in one transaction that holds an advisory
/// lock: replicas starting together wait for each other, and the second finds the work done.
///
/// The tables are SQLite's, column for column, with what replicas add: claims and leases on the
/// outbox, the event counter, and the replicas' own rows. Times are seconds since the epoch, as in
/// SQLite, so a store copies from one to the other unchanged. Texts are `COLLATE "C"`: ordered by
/// their bytes, as SQLite orders them.
extension PostgresStore {
    static let migrations: [(name: String, statements: [String])] = [
        (
            "pg-v1-schema",
            [
                """
                CREATE TABLE events (
                    seq BIGINT PRIMARY KEY,
                    id TEXT COLLATE "C" NOT NULL UNIQUE,
                    contact TEXT COLLATE "C" NOT NULL,
                    type TEXT COLLATE "C" NOT NULL,
                    at BIGINT NOT NULL,
                    note TEXT COLLATE "C",
                    recorded_at BIGINT NOT NULL,
                    source TEXT COLLATE "C",
                    sender_id TEXT COLLATE "C"
                )
                """,
                "CREATE INDEX events_by_contact ON events (contact, at, seq)",
                "CREATE INDEX events_by_time ON events (at, seq)",
                "CREATE UNIQUE INDEX events_by_sender ON events (source, sender_id) WHERE sender_id IS NOT NULL",
                // The highest event number handed out: one row, locked by every transaction that
                // numbers events, so numbers follow commit order.
                "CREATE TABLE event_counter (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row), last BIGINT NOT NULL)",
                "INSERT INTO event_counter (last) VALUES (0)",
                "CREATE TABLE first_seen (contact TEXT COLLATE \"C\" PRIMARY KEY, at BIGINT NOT NULL)",
                "CREATE TABLE meta (name TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE outbox (
                    key TEXT COLLATE "C" PRIMARY KEY,
                    rule TEXT COLLATE "C" NOT NULL,
                    contact TEXT COLLATE "C" NOT NULL,
                    channel TEXT COLLATE "C" NOT NULL,
                    due BIGINT NOT NULL,
                    state TEXT NOT NULL CHECK (
                        state IN ('pending', 'sending', 'delivered', 'retry', 'failed', 'missed', 'bundled')),
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT,
                    last_error TEXT,
                    updated_at BIGINT NOT NULL,
                    recipient TEXT COLLATE "C",
                    to_kind TEXT CHECK (to_kind IN ('contact', 'owner', 'manager')),
                    message TEXT,
                    first_attempt_at BIGINT,
                    digest TEXT COLLATE "C",
                    claimed_by TEXT,
                    lease_until BIGINT
                )
                """,
                "CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at)",
                "CREATE INDEX outbox_by_due ON outbox (due, key) WHERE state IN ('pending', 'sending', 'retry')",
                "CREATE INDEX outbox_by_contact ON outbox (contact, due)",
                "CREATE INDEX outbox_by_digest ON outbox (digest) WHERE digest IS NOT NULL",
                "CREATE INDEX outbox_digests ON outbox (due) WHERE rule = 'digest'",
                "CREATE INDEX outbox_by_claim ON outbox (claimed_by) WHERE claimed_by IS NOT NULL",
                """
                CREATE TABLE deliveries (
                    seq BIGSERIAL PRIMARY KEY,
                    key TEXT COLLATE "C" NOT NULL REFERENCES outbox (key) ON DELETE CASCADE,
                    attempt BIGINT NOT NULL,
                    started_at BIGINT NOT NULL,
                    finished_at BIGINT,
                    result TEXT,
                    detail TEXT,
                    replica TEXT,
                    UNIQUE (key, attempt)
                )
                """,
                "CREATE INDEX deliveries_by_time ON deliveries (started_at)",
                // One row per replica that ran: what `status` lists.
                """
                CREATE TABLE replicas (
                    id TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    pid BIGINT NOT NULL,
                    started_at BIGINT NOT NULL,
                    heartbeat_at BIGINT NOT NULL,
                    config_digest TEXT NOT NULL,
                    stopped_at BIGINT
                )
                """,
            ]
        )
    ]

    /// The names of the migrations, in order.
    public static var migrationNames: [String] { migrations.map(\.name) }

    /// The advisory lock that serializes migrations (any number; "tickler" in ASCII).
    static let migrationLock: Int64 = 0x7469_636b_6c65_72

    func migrate() throws(StoreError) {
        try transaction("update the schema of") { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
            let tables = try await connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
                logger: self.logger
            ).collect().map { try $0.decode(String.self) }
            if !tables.isEmpty, !tables.contains("tickler_migrations") {
                throw StoreError(
                    .notATicklerStore, "the database '\(self.location)' has tables, but is not Tickler's state store",
                    note: "'state:' must name a database Tickler owns; create an empty one: createdb tickler")
            }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS tickler_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: self.logger)
            let applied = Set(
                try await connection.query("SELECT name FROM tickler_migrations", logger: self.logger).collect().map {
                    try $0.decode(String.self)
                })
            let known = Set(Self.migrationNames)
            if !applied.isSubset(of: known) {
                throw StoreError(
                    .newerVersion, "the state store '\(self.location)' was written by a newer version of Tickler",
                    note: "run that version, or restore the store from a backup made with this one")
            }
            for migration in Self.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO tickler_migrations (name, applied_at) VALUES (\(migration.name), extract(epoch FROM now())::bigint)",
                    logger: self.logger)
            }
        }
    }
}
