import { RemoteFault, type MatchEvent, type MatchSnapshotResponse } from '../national/protocol/types.js';
import type { RegionContext } from '../region/services/context.js';
import type { Outbox } from '../region/services/outbox.js';
import type { RemoteMatches } from '../region/services/remote-matches.js';
import type { SyncClient } from './client.js';
import { syncState } from './sync-state.js';

/** The region's current national matches as they were at `head`. */
interface MatchSnapshot {
  head: number;
  matches: MatchEvent[];
}
/**
 * Paged reads of the match snapshot before it is read in one answer. From a national index of
 * protocol 1.2 every page is of one point in time (a held snapshot) and the first read is whole
 * unless the snapshot was let go meanwhile. From 1.1 the pages are read at the current state, and
 * the one answer is the way out when the matches changed during every read; it is as large as all
 * the region's matches and the protocol's 4 MiB holds about 3,000: a larger region whose matches
 * changed during every paged read fails its reconcile (TE_GROOT) and tries again later.
 */
const PAGED_READS = 3;
/** A digest page that holds no signal: after and up to the same id. */
const EMPTY_PAGE = 'z';

/**
 * Fetches the region's match events from the national index after its cursor (long poll), and
 * applies them and advances the cursor in one transaction: each event takes effect exactly once,
 * whatever fails. A cursor the national index no longer serves triggers a reconcile.
 */
export function createMatchFeed(ctx: RegionContext, client: SyncClient, remote: RemoteMatches, outbox: Outbox) {
  const { db } = ctx;
  const state = syncState(db);
  const q = {
    /** A page of the digest: up to `limit` active signals after `after`, in order of id (read by the primary key's index). */
    digestPage: db.prepare<[string, number], { id: string; removal_date: string }>(
      "SELECT id, removal_date FROM signals WHERE id > ? AND status = 'active' ORDER BY id LIMIT ?",
    ),
    activeNational: db.prepare<[], { national_match_id: string; family: number }>(
      "SELECT n.national_match_id, COALESCE(m.kind = 'family', 0) AS family FROM national_matches n LEFT JOIN matches m ON m.id = n.match_id WHERE n.status = 'active'",
    ),
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
   * Queues what the national index lacks or holds too much, for one page of the digest. Signals may
   * have moved on while the page was on its way: a signal registered (and delivered) since is no
   * surplus.
   */
  const repairSignalsTx = db.transaction((missing: string[], surplus: string[]) => {
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
    return { missing: missing.length, surplus: removed };
  });

  /**
   * Takes the national index's current matches, as they were at the snapshot's head, as the new
   * starting point: the cursor goes to that head and the feed brings every change after it. A
   * snapshot older than the feed events already applied (a long poll answered meanwhile) is not
   * taken: it could bring back a participant the region has seen leave.
   */
  const takeSnapshotTx = db.transaction((snapshot: MatchSnapshot): boolean => {
    if (snapshot.head < Number(state.get('cursor') ?? '0')) return false;
    const current = new Set(snapshot.matches.map((m) => m.matchId));
    for (const stale of q.activeNational.all().filter((r) => !current.has(r.national_match_id))) {
      remote.apply({ seq: 0, kind: 'ended', matchId: stale.national_match_id, family: stale.family === 1, ownSignalIds: [], participants: [] });
    }
    for (const m of snapshot.matches) remote.applySnapshot(m);
    state.set('cursor', String(snapshot.head));
    state.set('head', String(snapshot.head));
    return true;
  });

  /**
   * The region's current national matches as they were at one feed head. A page at a time in order
   * of match id, all pages read at the same head: the head moves with every change to the region's
   * matches, so pages read at one head are one snapshot. A national index of protocol 1.2 holds the
   * first page's point in time for the later pages (`pointInTime`), so their heads agree however
   * busy the region. When the heads differed (1.1, or 1.2 holding as many snapshots as it will) or
   * the held snapshot was let go, PAGED_READS times over, the matches are read in one answer
   * instead (a Reconcilieer of an empty page, which the national index answers from one
   * transaction); a snapshot pieced together from different heads could make a replayed match event
   * start an ended match again.
   */
  async function readSnapshot(pointInTime: boolean): Promise<MatchSnapshot> {
    const region = ctx.config.region.id;
    const max = ctx.config.national.reconcilePage.matches;
    for (let attempt = 0; attempt < PAGED_READS; attempt++) {
      let page: MatchSnapshotResponse | null = await client.call('HaalMatchstand', { region, max, ...(pointInTime ? { pointInTime } : {}) });
      const snapshot: MatchSnapshot = { head: page.head, matches: [...page.matches] };
      const snapshotId = page.snapshotId;
      while (page.more && page.matches.length > 0 && page.head === snapshot.head) {
        page = await nextPage({ region, after: page.matches.at(-1)!.matchId, max, ...(snapshotId ? { snapshotId } : {}) });
        if (!page) break;
        snapshot.matches.push(...page.matches);
      }
      if (page?.head === snapshot.head) return snapshot;
    }
    const whole = await client.call('Reconcilieer', { region, after: EMPTY_PAGE, upTo: EMPTY_PAGE, withMatches: true, signals: [] });
    return { head: whole.head, matches: whole.matches };
  }

  /** A later page of the snapshot; null when the national index let go of the held snapshot (read it again). */
  async function nextPage(request: { region: string; after: string; max: number; snapshotId?: string }): Promise<MatchSnapshotResponse | null> {
    try {
      return await client.call('HaalMatchstand', request);
    } catch (err) {
      if (err instanceof RemoteFault && err.side === 'Client' && err.code === 'STAND_ONBEKEND') return null;
      throw err;
    }
  }

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
    /**
     * Sends the national index the digest of the region's active signals, a page of signal ids at
     * a time (the last page open at the top, for signals registered meanwhile), queues what each
     * page's answer asks for, and then takes the national index's current matches as the starting
     * point of the feed. Every message stays far under the protocol's size limit, whatever the
     * size of the region.
     */
    async reconcile() {
      const region = ctx.config.region.id;
      const counts = { missing: 0, surplus: 0, matches: 0, staleSnapshot: false, pages: 0 };
      // A national index of protocol 1.0 knows neither pages nor HaalMatchstand: it gets the whole
      // digest in one message and answers with every match, as before.
      const version = (await client.call('Status', { region })).protocolVersion;
      const paged = version !== '1.0';
      const size = paged ? ctx.config.national.reconcilePage.signals : Infinity;
      let whole: MatchSnapshot | null = null;
      // Read a page at a time, so that a large region's digest is never all in memory.
      for (let after = ''; ;) {
        const rows = q.digestPage.all(after, paged ? size + 1 : -1);
        const last = rows.length <= size;
        const page = rows.slice(0, size);
        const signals = page.map((s) => ({ signalId: s.id, removalDate: s.removal_date }));
        const r = await client.call('Reconcilieer', paged
          ? { region, after: after || undefined, upTo: last ? undefined : page.at(-1)!.id, withMatches: false, signals }
          : { region, signals });
        if (!paged) whole = { head: r.head, matches: r.matches };
        const repaired = repairSignalsTx(r.missing, r.surplus);
        counts.missing += repaired.missing;
        counts.surplus += repaired.surplus;
        counts.pages++;
        if (last) break;
        after = page.at(-1)!.id;
      }
      // From 1.2 the national index holds the first page's point in time for the later ones.
      const snapshot = whole ?? (await readSnapshot(version !== '1.1'));
      if (takeSnapshotTx(snapshot)) counts.matches = snapshot.matches.length;
      else counts.staleSnapshot = true;
      state.set('lastReconcileAt', ctx.now().toISOString());
      ctx.audit.record({ actorKind: 'system', action: 'connector.reconcile', outcome: 'ok', detail: counts }, ctx.now());
      return counts;
    },
  };
}

export type MatchFeed = ReturnType<typeof createMatchFeed>;
