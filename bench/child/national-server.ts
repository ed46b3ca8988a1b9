import { childMain, tell } from '../lib/child.js';
import { startNational } from '../lib/federation.js';

/**
 * Benchmark 4: the reference national index on 127.0.0.1 and a free port, in a process of its
 * own (so the load generator's XML writing and HTTP client do not share its event loop). Tells
 * `ready` with the sync URL; on `stop`, reports how many signals it stored and ends.
 * Args: <dir>
 */
export interface NationalStopped {
  type: 'result';
  signals: number;
}

await childMain(async () => {
  const [dir] = process.argv.slice(2);
  const { national, url } = await startNational(dir);
  const stopped = new Promise<void>((resolve) => process.on('message', (m: { type: string }) => m.type === 'stop' && resolve()));
  await tell({ type: 'ready', url } as { type: string });
  await stopped;
  const signals = (national.ctx.db.prepare('SELECT COUNT(*) AS n FROM signals').get() as { n: number }).n;
  await national.close();
  const result: NationalStopped = { type: 'result', signals };
  return result;
});
