import type { MatchEvent } from '../national/protocol/types.js';
import type { RegionContext } from '../region/services/context.js';
import type { Outbox } from '../region/services/outbox.js';
import type { RemoteMatches } from '../region/services/remote-matches.js';
import type { SyncClient } from './client.js';
import { syncState } from './sync-state.js';

/**
 * Fetches the region's match events from the national index after its cursor (long poll), and
 * applies them and advances the cursor in one transaction: each event takes effect exactly once,
 * whatever fails. A cursor the national index no longer serves triggers a reconcile.
 */
export function createMatchFeed(ctx: RegionContext, client: SyncClient, remote: RemoteMatches, outbox: Outbox) {
  const { db } = ctx;
  const state = syncState(db);
  const q = {
    activeDigest: db.prepare<[], { id: string; removal_date: string }>("SELECT id, removal_date FROM signals WHERE status = 'active' ORDER BY id"),
    activeNational: db.prepare<[], { national_match_id: string }>("SELECT national_match_id FROM national_matches WHERE status = 'active'"),
    signal: db.prepare<[string], { id: string; professional_id: string; municipality: string; registered_at: string; removal_date: string | null; turns23_on: string | null; status: string; bsn_sealed: Buffer | null; removal_reason: string | null }>(
      'SELECT id, professional_id, municipality, registered_at, removal_date, turns23_on, status, bsn_sealed, removal_reason FROM signals WHERE id = ?',
    ),
  };

  const applyBatch = db.transaction((events: MatchEvent[], head: number) => {
    let cursor = Number(state.get('cursor') ?? '0');
    for (const e of events) {
      if (e.seq <= cursor) continue; // already applied
      if (e.seq !== cursor + 1) throw new Error(`feed gap: expected ${cursor + 1}, got ${e.seq}`);
      remote.apply(e);
      cursor = e.seq;
    }
    state.set('cursor', String(cursor));
    state.set('head', String(head));
    state.set('lastFetchAt', ctx.now().toISOString());
    return cursor;
  });

  /**
   * Queues what the national index lacks or holds too much, and takes its current matches as the new
   * starting point. Signals and the feed may have moved on while the digest was on its way: a signal
   * registered (and delivered) since is no surplus, and a snapshot older than the feed events
   * already applied (a long poll answered meanwhile) is not taken, so the cursor never goes back and
   * no match event takes effect twice.
   */
  const repairTx = db.transaction((missing: string[], surplus: string[], matches: MatchEvent[], head: number) => {
    for (const id of missing) {
      const s = q.signal.get(id);
      if (!s || s.status !== 'active' || !s.bsn_sealed) continue;
      outbox.sentAgain(s, ctx.vault.open(s.bsn_sealed));
    }
    let removed = 0;
    for (const id of surplus) {
      const s = q.signal.get(id);
      if (s?.status === 'active') continue;
      outbox.removed(id, (s?.removal_reason as Parameters<Outbox['removed']>[1] | null) ?? 'correction');
      removed++;
    }
    state.set('lastReconcileAt', ctx.now().toISOString());
    if (head < Number(state.get('cursor') ?? '0')) return { missing: missing.length, surplus: removed, matches: 0, staleSnapshot: true };
    const current = new Set(matches.map((m) => m.matchId));
    for (const stale of q.activeNational.all().filter((r) => !current.has(r.national_match_id))) {
      remote.apply({ seq: 0, kind: 'ended', matchId: stale.national_match_id, family: false, ownSignalIds: [], participants: [] });
    }
    for (const m of matches) remote.apply(m);
    state.set('cursor', String(head));
    state.set('head', String(head));
    return { missing: missing.length, surplus: removed, matches: matches.length, staleSnapshot: false };
  });

  return {
    cursor: (): number => Number(state.get('cursor') ?? '0'),
    /** One fetch (waiting up to `waitSeconds`); returns how many events were applied. */
    async fetchOnce(waitSeconds: number): Promise<number> {
      const after = Number(state.get('cursor') ?? '0');
      const r = await client.call('HaalMatches', { region: ctx.config.region.id, after, max: 500, waitSeconds }, waitSeconds * 1000);
      if (r.resyncNeeded) {
        ctx.log.warn({ after, head: r.head }, 'national feed says resync needed; reconciling');
        await this.reconcile();
        return 0;
      }
      applyBatch(r.events, r.head);
      return r.events.length;
    },
    async reconcile() {
      const signals = q.activeDigest.all().map((s) => ({ signalId: s.id, removalDate: s.removal_date }));
      const r = await client.call('Reconcilieer', { region: ctx.config.region.id, signals });
      const counts = repairTx(r.missing, r.surplus, r.matches, r.head);
      ctx.audit.record({ actorKind: 'system', action: 'connector.reconcile', outcome: 'ok', detail: counts }, ctx.now());
      return counts;
    },
  };
}

export type MatchFeed = ReturnType<typeof createMatchFeed>;
