import GRDB

/// The schema, as named migrations in the order they shipped.
///
/// A shipped migration is never edited: stores in the field have run it. A change to the schema is a
/// new migration appended at the end (`v2-outbox-recipient`, …). Migrations are plain SQL so that
/// what they do cannot drift with GRDB's query builder.
extension SQLiteStore {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()

        // Events: `seq` orders them and numbers the ids the store assigns; `id` is what occurrence
        // keys use (assigned: `seq` as decimal text; imported: as the file gave it). AUTOINCREMENT
        // so a number is never handed out twice, even after a delete.
        migrator.registerMigration("v1-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        contact TEXT NOT NULL,
                        type TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        note TEXT,
                        recorded_at INTEGER NOT NULL
                    );
                    CREATE INDEX events_by_contact ON events (contact, at, seq);
                    CREATE INDEX events_by_time ON events (at, seq);
                    """)
        }

        // When Tickler first saw each contact: the start of `every` rules' clocks for contacts with
        // no interaction yet.
        migrator.registerMigration("v1-first-seen") { db in
            try db.execute(
                sql: """
                    CREATE TABLE first_seen (
                        contact TEXT NOT NULL PRIMARY KEY,
                        at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }

        // The outbox (one row per occurrence that fell due, by key) and the history of its
        // delivery attempts. Times are seconds since the epoch.
        migrator.registerMigration("v1-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        key TEXT NOT NULL PRIMARY KEY,
                        rule TEXT NOT NULL,
                        contact TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        due INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (
                            state IN ('pending', 'sending', 'delivered', 'retry', 'failed', 'missed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        last_error TEXT,
                        updated_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at);
                    CREATE INDEX outbox_by_contact ON outbox (contact, due);
                    CREATE TABLE deliveries (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        key TEXT NOT NULL REFERENCES outbox (key) ON DELETE CASCADE,
                        attempt INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        result TEXT,
                        detail TEXT,
                        UNIQUE (key, attempt)
                    );
                    CREATE INDEX deliveries_by_time ON deliveries (started_at);
                    """)
        }

        // Named values the daemon keeps between runs, such as `scheduled_through`.
        migrator.registerMigration("v1-meta") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        name TEXT NOT NULL PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }

        // What a retry after a restart needs to send exactly the message first rendered, with the
        // same key, even if templates changed meanwhile: the person it goes to (`recipient`, and
        // `to_kind`: contact, owner or manager), the rendered message as JSON (cleared once
        // delivered), and when the first attempt started (retries give up 24 h after it). Rows
        // written before this migration have them NULL.
        migrator.registerMigration("v2-outbox-message") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN recipient TEXT;
                    ALTER TABLE outbox ADD COLUMN to_kind TEXT CHECK (to_kind IN ('contact', 'owner', 'manager'));
                    ALTER TABLE outbox ADD COLUMN message TEXT;
                    ALTER TABLE outbox ADD COLUMN first_attempt_at INTEGER;
                    """)
        }

        // Where each event came from (`cli`, `import`, or the name of the HTTP token that sent it)
        // and the sender's own id for it: an id recorded once from a source is not recorded again.
        migrator.registerMigration("v3-event-source") { db in
            try db.execute(
                sql: """
                    ALTER TABLE events ADD COLUMN source TEXT;
                    ALTER TABLE events ADD COLUMN sender_id TEXT;
                    CREATE UNIQUE INDEX events_by_sender ON events (source, sender_id) WHERE sender_id IS NOT NULL;
                    """)
        }

        // Digests: an occurrence a digest carries is `bundled`, with the digest's key. SQLite cannot
        // change a CHECK constraint, so the table is made again (GRDB defers foreign key checks
        // during a migration: `deliveries` keeps pointing at the same keys).
        migrator.registerMigration("v4-outbox-bundled") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox_new (
                        key TEXT NOT NULL PRIMARY KEY,
                        rule TEXT NOT NULL,
                        contact TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        due INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (
                            state IN ('pending', 'sending', 'delivered', 'retry', 'failed', 'missed', 'bundled')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        last_error TEXT,
                        updated_at INTEGER NOT NULL,
                        recipient TEXT,
                        to_kind TEXT CHECK (to_kind IN ('contact', 'owner', 'manager')),
                        message TEXT,
                        first_attempt_at INTEGER,
                        digest TEXT
                    ) WITHOUT ROWID;
                    INSERT INTO outbox_new (key, rule, contact, channel, due, state, attempts, next_attempt_at,
                        last_error, updated_at, recipient, to_kind, message, first_attempt_at)
                    SELECT key, rule, contact, channel, due, state, attempts, next_attempt_at, last_error, updated_at,
                        recipient, to_kind, message, first_attempt_at FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_new RENAME TO outbox;
                    CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at);
                    CREATE INDEX outbox_by_contact ON outbox (contact, due);
                    CREATE INDEX outbox_by_digest ON outbox (digest) WHERE digest IS NOT NULL;
                    """)
        }

        // `status` lists the latest digests: found by their due instant without reading the outbox.
        migrator.registerMigration("v5-outbox-digests") { db in
            try db.execute(sql: "CREATE INDEX outbox_digests ON outbox (due) WHERE rule = 'digest'")
        }

        return migrator
    }()

    /// The names of the migrations, in order (what a store opened by this version has applied).
    public static var migrationNames: [String] { migrator.migrations }

    /// Applies the migrations the file lacks.
    ///
    /// GRDB reads the applied list, then runs each missing migration in its own transaction; two
    /// processes opening a new file at once can both read "none applied", and the second then fails
    /// on a table the first created. So on failure, if another connection has applied migrations
    /// meanwhile, read the list again and carry on; fail only when no one made progress.
    static func migrate(_ pool: DatabasePool) throws {
        let migrator = Self.migrator
        var applied = try pool.read { try migrator.appliedIdentifiers($0) }
        while true {
            do {
                try migrator.migrate(pool)
                return
            } catch {
                let now = try pool.read { try migrator.appliedIdentifiers($0) }
                guard now.count > applied.count else { throw error }
                applied = now
            }
        }
    }
}
