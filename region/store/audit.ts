import { createHash } from 'node:crypto';
import type { Db } from './db.js';

/**
 * The audit log: every read and write of signal and match data, who did it, for which
 * institution, on what, and with what outcome. Append-only (the database refuses UPDATE and
 * DELETE) and hash-chained: each entry's hash covers its fields and the previous entry's hash.
 * Never holds a BSN, a name or a token: objects are named by id.
 */
export type ActorKind = 'professional' | 'admin' | 'checker' | 'system' | 'anonymous';

export interface AuditEntry {
  actorKind: ActorKind;
  actorId?: string | null;
  institutionId?: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome: string;
  detail?: Record<string, unknown> | null;
}

/** A signal or match a list read returned: kept beside the entry (audit_objects), for the inspection report. */
export interface AuditObject {
  type: 'signal' | 'match';
  id: string;
}

export interface AuditLog {
  /** Appends an entry; `objects` are the signals and matches a list read returned. */
  record(entry: AuditEntry, at: Date, objects?: readonly AuditObject[]): void;
  verify(): AuditVerification;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBrokenSeq: number | null;
}

const GENESIS = '0'.repeat(64);

interface AuditRow {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  institution_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

function entryHash(prev: string, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const body = JSON.stringify([
    row.seq, row.at, row.actor_kind, row.actor_id, row.institution_id, row.action,
    row.object_type, row.object_id, row.outcome, row.detail,
  ]);
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

export function createAuditLog(db: Db): AuditLog {
  // The chain's tail is read and the entry written in one statement: the tail (the last entry's
  // seq and hash, or the genesis hash for the first) is looked up by SQLite, and the entry's hash
  // computed by entryHash through an application function of this connection. One statement
  // instead of a read and an insert: it is in every registration (benchmark 3).
  db.function('vir_audit_entry_hash', { deterministic: true }, (prev, seq, at, actorKind, actorId, institutionId, action, objectType, objectId, outcome, detail) =>
    entryHash(prev as string, {
      seq: seq as number, at: at as string, actor_kind: actorKind as string, actor_id: actorId as string | null, institution_id: institutionId as string | null,
      action: action as string, object_type: objectType as string | null, object_id: objectId as string | null, outcome: outcome as string, detail: detail as string | null,
    }),
  );
  const fields = '?, ?, ?, ?, ?, ?, ?, ?, ?';
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, at, actor_kind, actor_id, institution_id, action, object_type, object_id, outcome, detail, prev_hash, hash)
     SELECT tail.seq + 1, ${fields}, COALESCE(last.hash, '${GENESIS}'),
            vir_audit_entry_hash(COALESCE(last.hash, '${GENESIS}'), tail.seq + 1, ${fields})
     FROM (SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log) AS tail LEFT JOIN audit_log AS last ON last.seq = tail.seq`,
  );
  const all = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
  const insertObjects = db.prepare<[number | bigint, string]>(
    "INSERT INTO audit_objects (seq, object_type, object_id) SELECT ?, value ->> 'type', value ->> 'id' FROM json_each(?)",
  );
  const append = (entry: AuditEntry, at: Date, objects?: readonly AuditObject[]): void => {
    const values = [
      at.toISOString(), entry.actorKind, entry.actorId ?? null, entry.institutionId ?? null, entry.action, entry.objectType ?? null,
      entry.objectId ?? null, entry.outcome, entry.detail ? JSON.stringify(entry.detail) : null,
    ];
    const { lastInsertRowid } = insert.run(...values, ...values);
    if (objects && objects.length > 0) insertObjects.run(lastInsertRowid, JSON.stringify(objects));
  };
  const appendTx = db.transaction(append);
  return {
    // Inside a transaction the entry is part of it (and reading the chain's tail is safe);
    // no savepoint of its own, which would copy the pages it touches to the sub-journal.
    record: (entry, at, objects) => (db.inTransaction ? append(entry, at, objects) : appendTx(entry, at, objects)),
    verify() {
      let prevHash = GENESIS;
      let expectedSeq = 1;
      let entries = 0;
      for (const row of all.iterate()) {
        entries++;
        const { hash, prev_hash, ...fields } = row;
        if (row.seq !== expectedSeq || prev_hash !== prevHash || hash !== entryHash(prevHash, fields)) {
          return { ok: false, entries, firstBrokenSeq: row.seq };
        }
        prevHash = hash;
        expectedSeq++;
      }
      return { ok: true, entries, firstBrokenSeq: null };
    },
  };
}
