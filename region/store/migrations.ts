/**
 * Ordered schema steps, tracked by PRAGMA user_version, each applied in a transaction.
 * Append only: never edit a step that has shipped.
 */
export const REGION_MIGRATIONS: readonly string[] = [
  // 1: the covenant area, its people, signals, matches, notices, audit
  `
  CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    checker_name TEXT NOT NULL,
    checker_email TEXT NOT NULL,
    checker_phone TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE institutions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    coordinator_name TEXT,
    coordinator_email TEXT,
    coordinator_phone TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE professionals (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    authorised INTEGER NOT NULL CHECK (authorised IN (0, 1)),
    authorised_at TEXT,
    deauthorised_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX professionals_institution ON professionals(institution_id);
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE admin_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE matches (
    id TEXT PRIMARY KEY,
    youth_key TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'family')),
    status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    created_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE UNIQUE INDEX matches_active_youth ON matches(youth_key) WHERE status = 'active';
  CREATE TABLE signals (
    id TEXT PRIMARY KEY,
    youth_key TEXT,
    bsn_sealed BLOB,
    turns23_on TEXT,
    municipality TEXT NOT NULL REFERENCES municipalities(code),
    professional_id TEXT NOT NULL REFERENCES professionals(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    status TEXT NOT NULL CHECK (status IN ('active', 'archived', 'removed')),
    registered_at TEXT NOT NULL,
    removal_date TEXT,
    removed_at TEXT,
    removal_reason TEXT,
    archive_until TEXT,
    history_notified_at TEXT,
    match_id TEXT REFERENCES matches(id),
    CHECK (status = 'removed' OR (youth_key IS NOT NULL AND bsn_sealed IS NOT NULL)),
    CHECK (status <> 'removed' OR (youth_key IS NULL AND bsn_sealed IS NULL AND turns23_on IS NULL))
  );
  CREATE INDEX signals_active_youth ON signals(youth_key) WHERE status = 'active';
  CREATE INDEX signals_archived_youth ON signals(youth_key) WHERE status = 'archived';
  CREATE INDEX signals_professional ON signals(professional_id, status);
  CREATE TABLE match_participants (
    match_id TEXT NOT NULL REFERENCES matches(id),
    signal_id TEXT NOT NULL REFERENCES signals(id),
    professional_id TEXT NOT NULL REFERENCES professionals(id),
    joined_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (match_id, signal_id)
  );
  CREATE INDEX match_participants_professional ON match_participants(professional_id);
  CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('professional', 'checker')),
    recipient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    match_id TEXT REFERENCES matches(id),
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
  );
  CREATE INDEX notices_recipient ON notices(recipient_kind, recipient_id, created_at);
  CREATE TABLE idempotency_keys (
    institution_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution_id, key)
  );
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    institution_id TEXT,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    outcome TEXT NOT NULL,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  // 2: the law's lifecycle: informing, coordination, coordinators, escalations, job runs
  `
  ALTER TABLE signals ADD COLUMN informing_reminded_at TEXT;
  CREATE TABLE signal_informing (
    signal_id TEXT PRIMARY KEY REFERENCES signals(id),
    informed TEXT NOT NULL,
    informed_on TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  ALTER TABLE professionals ADD COLUMN is_coordinator INTEGER NOT NULL DEFAULT 0 CHECK (is_coordinator IN (0, 1));
  ALTER TABLE matches ADD COLUMN regievoerder_id TEXT REFERENCES professionals(id);
  ALTER TABLE matches ADD COLUMN regievoerder_set_at TEXT;
  ALTER TABLE matches ADD COLUMN regievoerder_by TEXT;
  ALTER TABLE matches ADD COLUMN coordinated_at TEXT;
  CREATE TABLE match_contacts (
    match_id TEXT NOT NULL REFERENCES matches(id),
    professional_id TEXT NOT NULL REFERENCES professionals(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (match_id, professional_id)
  );
  CREATE TABLE escalations (
    id TEXT PRIMARY KEY,
    match_id TEXT NOT NULL REFERENCES matches(id),
    municipality TEXT NOT NULL REFERENCES municipalities(code),
    note TEXT,
    outcome TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT
  );
  CREATE TABLE checker_tokens (
    id TEXT PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities(code),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    lease_until TEXT NOT NULL,
    counts TEXT
  );
  CREATE INDEX signals_removal_due ON signals(removal_date) WHERE status = 'active';
  CREATE INDEX signals_archive_due ON signals(archive_until) WHERE status = 'archived';
  `,
  // 3: the national federation: the outbox of signal events, sync state, remote participants
  `
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    signal_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('registered', 'extended', 'removed')),
    payload BLOB NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    delivered_at TEXT,
    dead_at TEXT,
    dead_code TEXT
  );
  CREATE INDEX outbox_pending ON outbox(seq) WHERE delivered_at IS NULL AND dead_at IS NULL;
  CREATE INDEX outbox_signal ON outbox(signal_id, seq);
  CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE national_matches (
    national_match_id TEXT PRIMARY KEY,
    match_id TEXT REFERENCES matches(id),
    status TEXT NOT NULL CHECK (status IN ('active', 'ended'))
  );
  CREATE TABLE remote_participants (
    match_id TEXT NOT NULL REFERENCES matches(id),
    national_match_id TEXT NOT NULL,
    participant_key TEXT NOT NULL,
    region_id TEXT NOT NULL,
    contact TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (national_match_id, participant_key)
  );
  CREATE INDEX remote_participants_match ON remote_participants(match_id) WHERE left_at IS NULL;
  `,
  // 4: the portal's accounts and sessions, and the e-mail queue for notices
  `
  CREATE TABLE portal_accounts (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('professional', 'coordinator', 'checker', 'admin')),
    professional_id TEXT REFERENCES professionals(id),
    municipality TEXT REFERENCES municipalities(code),
    display_name TEXT,
    password_hash TEXT,
    totp_secret BLOB,
    totp_last_step INTEGER,
    setup_code_hash TEXT,
    setup_expires_at TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    last_login_at TEXT,
    disabled_at TEXT,
    CHECK ((role IN ('professional', 'coordinator')) = (professional_id IS NOT NULL)),
    CHECK ((role = 'checker') = (municipality IS NOT NULL))
  );
  CREATE UNIQUE INDEX portal_accounts_professional_role ON portal_accounts(professional_id, role) WHERE professional_id IS NOT NULL;
  CREATE TABLE portal_sessions (
    id_hash TEXT PRIMARY KEY,
    stage TEXT NOT NULL CHECK (stage IN ('anonymous', 'password', 'enrol', 'active')),
    account_id TEXT REFERENCES portal_accounts(id),
    csrf_token TEXT NOT NULL,
    pending_secret BLOB,
    pending_password_hash TEXT,
    flash TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  CREATE INDEX portal_sessions_account ON portal_sessions(account_id);
  CREATE INDEX portal_sessions_seen ON portal_sessions(last_seen_at);
  CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    dead_at TEXT
  );
  CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;
  CREATE TABLE mail_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  INSERT INTO mail_state (key, value) SELECT 'notice_cursor', CAST(COALESCE(MAX(rowid), 0) AS TEXT) FROM notices;
  `,
  // 5: the local person registry (covenants without BRP access, demo, tests): sealed records
  // keyed by the BSN's blind index, the changes recorded on them, and the persons followed
  `
  CREATE TABLE brp_local_persons (
    youth_key TEXT PRIMARY KEY,
    record BLOB NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE brp_local_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    youth_key TEXT NOT NULL REFERENCES brp_local_persons(youth_key),
    changed_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  CREATE INDEX brp_local_changes_on ON brp_local_changes(changed_on);
  CREATE TABLE brp_local_follows (
    youth_key TEXT PRIMARY KEY,
    followed_at TEXT NOT NULL
  );
  `,
  // 6: the population register in use: verification of signals, family links, moves
  `
  ALTER TABLE signals ADD COLUMN verified_at TEXT;
  ALTER TABLE signals ADD COLUMN brp_municipality TEXT;
  CREATE INDEX signals_unverified ON signals(registered_at) WHERE status = 'active' AND verified_at IS NULL;
  CREATE TABLE signal_family_keys (
    signal_id TEXT NOT NULL REFERENCES signals(id),
    key TEXT NOT NULL,
    PRIMARY KEY (signal_id, key)
  );
  CREATE INDEX signal_family_keys_key ON signal_family_keys(key);
  CREATE TABLE brp_follows (
    youth_key TEXT PRIMARY KEY,
    bsn_sealed BLOB NOT NULL,
    followed_at TEXT NOT NULL
  );
  `,
  // 7: an index for the child column of match_participants (found by the match-check benchmark)
  `
  CREATE INDEX match_participants_signal ON match_participants(signal_id);
  `,
  // 8: the sealed events (BSN, contact details) of outbox rows already delivered or dead are erased,
  // as the connector now does at delivery: a removed signal's BSN stayed in its delivered events
  `
  UPDATE outbox SET payload = X'' WHERE (delivered_at IS NOT NULL OR dead_at IS NOT NULL) AND length(payload) > 0;
  `,
  // 9: outbox_signal was never used by a query; every signal change paid for its entry
  `
  DROP INDEX IF EXISTS outbox_signal;
  `,
  // 10: the signals and matches a list read returned, per audit entry, so that the inspection report
  // (7.1.5.2) names who saw them in a list too, not only who opened one
  `
  CREATE TABLE audit_objects (
    seq INTEGER NOT NULL REFERENCES audit_log(seq),
    object_type TEXT NOT NULL CHECK (object_type IN ('signal', 'match')),
    object_id TEXT NOT NULL
  );
  CREATE INDEX audit_objects_object ON audit_objects(object_id);
  CREATE TRIGGER audit_objects_no_update BEFORE UPDATE ON audit_objects
    BEGIN SELECT RAISE(ABORT, 'audit_objects is append-only'); END;
  CREATE TRIGGER audit_objects_no_delete BEFORE DELETE ON audit_objects
    BEGIN SELECT RAISE(ABORT, 'audit_objects is append-only'); END;
  `,
  // 11: a check value of each BSN key, so that a start with other keys is refused (crypto/key-check.ts)
  `
  CREATE TABLE key_check (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1) DEFAULT 1,
    index_check TEXT NOT NULL,
    sealed_check BLOB NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // 12: a history notice names an archived signal's professional and dates (7.1.4.6); it is emptied
  // when that archive is destroyed (lifecycle.ts), and those of archives destroyed before are now
  `
  CREATE INDEX notices_history_signal ON notices(json_extract(payload, '$.archivedSignalId')) WHERE kind = 'history';
  UPDATE notices SET kind = 'history-withdrawn', payload = '{}' WHERE kind = 'history'
    AND json_extract(payload, '$.archivedSignalId') IN (SELECT id FROM signals WHERE status = 'removed');
  `,
  // 13: youths whose follow at the BRP failed, tried again at every BRP run (verification.ts); those
  // already verified but never followed are put there now
  `
  CREATE TABLE brp_follow_retries (
    youth_key TEXT PRIMARY KEY,
    bsn_sealed BLOB NOT NULL,
    failed_at TEXT NOT NULL
  );
  INSERT OR IGNORE INTO brp_follow_retries (youth_key, bsn_sealed, failed_at)
    SELECT youth_key, bsn_sealed, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM signals
    WHERE status = 'active' AND verified_at IS NOT NULL AND youth_key NOT IN (SELECT youth_key FROM brp_follows);
  `,
];
