import type { Db } from '../region/store/db.js';
import { syncState } from './sync-state.js';

/** What an operator needs to see of the link with the national index. */
export function connectorStatus(db: Db, enabled: boolean, now: Date) {
  const state = syncState(db);
  const backlog = db.prepare<[], { n: number; oldest: string | null }>('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL').get()!;
  const dead = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE dead_at IS NOT NULL').get()!;
  return {
    enabled,
    backlog: backlog.n,
    oldestUndeliveredAgeSeconds: backlog.oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(backlog.oldest)) / 1000)) : null,
    lastSuccessAt: state.get('lastSuccessAt'),
    lastReconcileAt: state.get('lastReconcileAt'),
    cursor: Number(state.get('cursor') ?? '0'),
    nationalHead: Number(state.get('head') ?? '0'),
    deadLetters: dead.n,
  };
}

export function deadLetters(db: Db) {
  return db
    .prepare<[], { event_id: string; signal_id: string; kind: string; created_at: string; dead_at: string; dead_code: string; last_error: string | null }>(
      'SELECT event_id, signal_id, kind, created_at, dead_at, dead_code, last_error FROM outbox WHERE dead_at IS NOT NULL ORDER BY seq',
    )
    .all()
    .map((r) => ({ eventId: r.event_id, signalId: r.signal_id, kind: r.kind, createdAt: r.created_at, deadAt: r.dead_at, code: r.dead_code, message: r.last_error }));
}
