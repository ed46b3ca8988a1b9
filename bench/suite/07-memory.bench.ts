import { join } from 'node:path';
import type { RssResult } from '../child/region-rss.js';
import { runChild } from '../lib/child.js';
import { regionWithActiveSignals } from '../lib/fixtures.js';
import { createArea } from '../lib/region.js';
import { fmt, seconds } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 7. Memory: the resident set size of a regional index process (createRegion, listening, its
 * scheduler running) holding N active signals, after a full matching pass over them
 * (bench/child/region-rss.ts). Baseline: the same process on an empty region. Target: <= 200 MB.
 */
const TARGET_MB = 200;

const benchmark: Benchmark = {
  id: '7',
  name: 'memory of a region',
  async run(env): Promise<BenchResult[]> {
    const region = await regionWithActiveSignals(env);
    const full = await runChild<RssResult>('region-rss', [region.dataDir]);
    const emptyDir = join(env.dir, 'region-empty-7');
    createArea(emptyDir);
    const empty = await runChild<RssResult>('region-rss', [emptyDir]);
    // VmRSS is in KiB from the kernel; the target is in MB.
    const mb = (mib: number): number => (mib * 2 ** 20) / 1e6;
    const rss = mb(full.afterPass.rss);
    return [
      {
        id: '7', name: `memory, ${fmt(full.activeSignals)} active signals`,
        figure: { value: rss, unit: 'MB' },
        baseline: { value: mb(empty.afterPass.rss), unit: 'MB', label: 'the same on an empty region' },
        ratio: full.afterPass.rss / empty.afterPass.rss, higherIsBetter: false, target: `<= ${TARGET_MB} MB`, pass: rss <= TARGET_MB,
        notes: [
          `RSS ${fmt(mb(full.started.rss))} MB after start, ${fmt(rss)} MB after the full matching pass (${seconds(full.passMs)}; ` +
            `${full.pass.created} matches made, ${full.pass.joined} signals joined: the import had made them all); peak ${fmt(mb(full.afterPass.peak))} MB; JS heap ${fmt(mb(full.heapUsedMiB))} MB`,
        ],
      },
    ];
  },
};

export default benchmark;
