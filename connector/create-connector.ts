import cron, { type ScheduledTask } from 'node-cron';
import type { RegionServices } from '../region/create-region.js';
import { backoffMs, createSyncClient } from './client.js';
import { createDelivery } from './delivery.js';
import { createMatchFeed } from './match-feed.js';
import { createSleeper } from './sleeper.js';
import { syncState } from './sync-state.js';

/**
 * The connector of one region to the national index: a delivery loop that drains the outbox
 * (woken by every new event), a long poll that brings match events back, both retrying with
 * exponential back-off and jitter until the national index answers, and a node-cron schedule
 * that nudges both (and on-demand syncs through the admin API).
 */
/** How long the loops wait before they look again while an operator's import runs. */
const IMPORT_WAIT_MS = 5_000;

export function createConnector(services: RegionServices) {
  const { ctx, outbox, remoteMatches } = services;
  const n = ctx.config.national;
  const client = createSyncClient(ctx.config);
  const delivery = createDelivery(ctx, outbox, client);
  const feed = createMatchFeed(ctx, client, remoteMatches, outbox);
  const state = syncState(ctx.db);
  const deliverSleep = createSleeper();
  const fetchSleep = createSleeper();
  let running = false;
  let loops: Promise<void>[] = [];
  let task: ScheduledTask | null = null;
  let unsubscribe: (() => void) | null = null;
  const ok = (): void => state.set('lastSuccessAt', ctx.now().toISOString());
  const warn = (what: string, err: unknown, attempt: number): void =>
    ctx.log.warn({ what, attempt, error: (err as Error).message.slice(0, 300) }, 'national exchange failed; retrying');

  async function deliverLoop(): Promise<void> {
    let attempt = 0;
    while (running) {
      // An operator's import holds the database: every write here would wait out the busy timeout on the server's one thread.
      if (ctx.importRunning()) {
        await deliverSleep.sleep(IMPORT_WAIT_MS);
        continue;
      }
      try {
        const sent = await delivery.deliverBatch();
        if (sent > 0) ok();
        attempt = 0;
        if (sent < n.batchSize) await deliverSleep.sleep(60_000);
      } catch (err) {
        if (!running) return;
        warn('delivery', err, attempt);
        await deliverSleep.sleep(backoffMs(attempt++, n.backoff.baseMs, n.backoff.maxMs));
      }
    }
  }

  async function fetchLoop(): Promise<void> {
    let attempt = 0;
    while (running) {
      if (ctx.importRunning()) {
        await fetchSleep.sleep(IMPORT_WAIT_MS);
        continue;
      }
      try {
        await feed.fetchOnce(n.longPollSeconds);
        ok();
        attempt = 0;
        if (n.longPollSeconds === 0) await fetchSleep.sleep(60_000);
      } catch (err) {
        if (!running) return;
        warn('fetch', err, attempt);
        await fetchSleep.sleep(backoffMs(attempt++, n.backoff.baseMs, n.backoff.maxMs));
      }
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      unsubscribe = outbox.onAdd(() => deliverSleep.wake());
      task = cron.schedule(n.schedule, () => this.syncNow(), { timezone: ctx.config.timeZone, name: 'connector' });
      loops = [deliverLoop(), fetchLoop()];
    },
    /** On demand or on the schedule: deliver and fetch now, ending any back-off wait. */
    syncNow(): void {
      deliverSleep.wake();
      fetchSleep.wake();
    },
    reconcile: () => feed.reconcile(),
    async stop(): Promise<void> {
      running = false;
      unsubscribe?.();
      void task?.destroy();
      deliverSleep.wake();
      fetchSleep.wake();
      await client.close().catch(() => undefined);
      await Promise.allSettled(loops);
    },
  };
}

export type Connector = ReturnType<typeof createConnector>;
