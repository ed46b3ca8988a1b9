/** The national index's schema, in ordered steps tracked by PRAGMA user_version. Append only. */
export const NATIONAL_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE signals (
    region_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    youth_key TEXT,
    bsn_sealed BLOB,
    turns23_on TEXT,
    municipality TEXT,
    professional TEXT,
    registered_at TEXT NOT NULL,
    removal_date TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'archived', 'removed')),
    removed_at TEXT,
    removal_reason TEXT,
    archive_until TEXT,
    PRIMARY KEY (region_id, signal_id)
  );
  CREATE INDEX signals_youth ON signals(youth_key) WHERE status = 'active';
  CREATE INDEX signals_region_active ON signals(region_id) WHERE status = 'active';
  CREATE INDEX signals_removal_due ON signals(removal_date) WHERE status = 'active';
  CREATE INDEX signals_archive_due ON signals(archive_until) WHERE status = 'archived';
  CREATE TABLE processed_events (
    event_id TEXT PRIMARY KEY,
    region_id TEXT NOT NULL,
    result TEXT NOT NULL,
    processed_at TEXT NOT NULL
  );
  CREATE TABLE matches (
    id TEXT PRIMARY KEY,
    youth_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    created_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE UNIQUE INDEX matches_active_youth ON matches(youth_key) WHERE status = 'active';
  CREATE TABLE match_participants (
    match_id TEXT NOT NULL REFERENCES matches(id),
    region_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (match_id, region_id, signal_id)
  );
  CREATE TABLE feed (
    region_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (region_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE feed_heads (
    region_id TEXT PRIMARY KEY,
    head INTEGER NOT NULL,
    oldest INTEGER NOT NULL
  );
  `,
  // 2: family matches across regions (links as keyed hashes, from the national index's own BRP lookups)
  `
  ALTER TABLE matches ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'family'));
  DROP INDEX matches_active_youth;
  CREATE UNIQUE INDEX matches_active_youth ON matches(youth_key) WHERE status = 'active' AND kind = 'person';
  CREATE TABLE family_keys (
    region_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (region_id, signal_id, key)
  );
  CREATE INDEX family_keys_key ON family_keys(key);
  `,
  // 3: signals whose family links the BRP could not give at delivery (it was down): looked up again later
  `
  CREATE TABLE family_lookups_pending (
    region_id TEXT NOT NULL,
    signal_id TEXT NOT NULL,
    since TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_id, signal_id)
  );
  `,
];
