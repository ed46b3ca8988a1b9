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

export interface AuditLog {
  record(entry: AuditEntry, at: Date): void;
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
  const last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, at, actor_kind, actor_id, institution_id, action, object_type, object_id, outcome, detail, prev_hash, hash)
     VALUES (@seq, @at, @actor_kind, @actor_id, @institution_id, @action, @object_type, @object_id, @outcome, @detail, @prev_hash, @hash)`,
  );
  const all = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
  const append = (entry: AuditEntry, at: Date): void => {
    const prev = last.get();
    const row = {
      seq: (prev?.seq ?? 0) + 1,
      at: at.toISOString(),
      actor_kind: entry.actorKind,
      actor_id: entry.actorId ?? null,
      institution_id: entry.institutionId ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      outcome: entry.outcome,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    };
    const prevHash = prev?.hash ?? GENESIS;
    insert.run({ ...row, prev_hash: prevHash, hash: entryHash(prevHash, row) });
  };
  const appendTx = db.transaction(append);
  return {
    // Inside a transaction the entry is part of it (and reading the chain's tail is safe);
    // no savepoint of its own, which would copy the pages it touches to the sub-journal.
    record: (entry, at) => (db.inTransaction ? append(entry, at) : appendTx(entry, at)),
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
