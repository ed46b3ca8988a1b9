import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { signalEvents, startNational, startRegion, xml2jsSeconds } from '../lib/federation.js';
import { fmt, seconds } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 6. Backlog drain: 100,000 signal events queued in a region's outbox while the national index
 * was down; then it comes back, and the time until all are acknowledged. Baseline: parsing the
 * same XML with xml2js alone. Target: <= 30 s.
 */
const EVENTS = 100_000;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const benchmark: Benchmark = {
  id: '6',
  name: 'backlog drain',
  async run(env): Promise<BenchResult[]> {
    const dir = join(env.dir, 'backlog');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/sync`;
    const a = await startRegion(join(dir, 'a'), 'regio-a', url);
    try {
      const { ctx, outbox } = a.region;
      const events = signalEvents('regio-a', 0, EVENTS);
      const insert = ctx.db.prepare('INSERT INTO outbox (event_id, signal_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
      ctx.db.transaction(() => {
        for (const e of events) insert.run(e.eventId, e.signalId, e.kind, ctx.vault.seal(JSON.stringify(e)), e.occurredAt);
      })();
      void outbox;
      const pending = ctx.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL');
      const backlog = () => (pending.get() as { n: number }).n;
      if (backlog() !== EVENTS) throw new Error('the backlog was not queued');
      const baseline = await xml2jsSeconds('regio-a', events);
      const { national } = await startNational(join(dir, 'n'), port);
      try {
        const t = performance.now();
        a.region.connector!.syncNow();
        while (backlog() > 0) {
          if (performance.now() - t > 120_000) throw new Error(`backlog not drained in 120 s: ${backlog()} left`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const ms = performance.now() - t;
        const dead = (ctx.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE dead_at IS NOT NULL').get() as { n: number }).n;
        if (dead > 0) throw new Error(`${dead} events went to the dead letters`);
        const rate = (EVENTS * 1000) / ms;
        return [{
          id: '6', name: `backlog drain of ${fmt(EVENTS)} events`,
          figure: { value: ms / 1000, unit: 's' }, baseline: { value: baseline, unit: 's', label: 'xml2js parse of the same XML' },
          ratio: ms / 1000 / baseline, higherIsBetter: false, target: '<= 30 s', pass: ms <= 30_000,
          notes: [`${fmt(rate)} events/s end to end (connector and national index in one process), drained in ${seconds(ms)}`],
        }];
      } finally {
        await a.region.close();
        await national.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
