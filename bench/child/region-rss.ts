import { createRegion } from '../../region/create-region.js';
import { createLogger } from '../../region/log.js';
import { childMain, memoryMiB } from '../lib/child.js';
import { benchConfig } from '../lib/region.js';

/**
 * Benchmark 7: a regional index as it runs in production (createRegion: HTTP server, scheduler),
 * on the region in `dataDir`; after a full matching pass over its active signals, reports its
 * resident set size (VmRSS) and peak (VmHWM), and what the pass found. Args: <dataDir>
 */
export interface RssResult {
  type: 'result';
  started: { rss: number; peak: number };
  afterPass: { rss: number; peak: number };
  pass: { created: number; joined: number };
  passMs: number;
  activeSignals: number;
  heapUsedMiB: number;
}

await childMain(async () => {
  const [dataDir] = process.argv.slice(2);
  const config = benchConfig(dataDir, { log: { level: 'info' } });
  const region = createRegion(config, { log: createLogger(config.log.level) });
  await region.start();
  try {
    const started = memoryMiB();
    const t = performance.now();
    const pass = region.bulkImport.matchAll({ kind: 'system' });
    const passMs = performance.now() - t;
    const activeSignals = region.ctx.db.prepare("SELECT COUNT(*) FROM signals WHERE status = 'active'").pluck().get() as number;
    const result: RssResult = {
      type: 'result', started, afterPass: memoryMiB(), pass, passMs, activeSignals, heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
    };
    return result;
  } finally {
    await region.close();
  }
});
