import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runChild } from '../lib/child.js';
import { regionWithActiveSignals } from '../lib/fixtures.js';
import { fmt, seconds } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 2. Bulk import, for a supplier migrating a region: N signals from an NDJSON file with
 * validation, encryption and matching (`region import-signals`, in a child process). Baseline:
 * the same file read and inserted row by row into a bare table (bench/child/bare-insert.ts).
 * Target: >= 50,000 signals/s; the peak memory is printed.
 */
const TARGET_PER_S = 50_000;

const benchmark: Benchmark = {
  id: '2',
  name: 'bulk import',
  async run(env): Promise<BenchResult[]> {
    const region = await regionWithActiveSignals(env);
    const { file, bytes, result } = region.imports[0];
    const r = result.report;
    env.log('  baseline: the same file into a bare table');
    // As before the import (bench/lib/fixtures.ts): the import's pages are not written back on the baseline's time.
    execFileSync('sync');
    const bare = await runChild<{ type: 'result'; rows: number; ms: number; memory: { peak: number } }>('bare-insert', [join(env.dir, 'bare.db'), file]);
    const rate = (r.lines * 1000) / r.ms;
    const bareRate = (bare.rows * 1000) / bare.ms;
    return [
      {
        id: '2',
        name: `bulk import of ${fmt(r.lines)} signals`,
        figure: { value: rate, unit: 'signals/s' },
        baseline: { value: bareRate, unit: 'rows/s', label: 'parse + insert into a bare table' },
        ratio: rate / bareRate,
        higherIsBetter: true,
        target: `>= ${fmt(TARGET_PER_S)} signals/s`,
        pass: rate >= TARGET_PER_S,
        notes: [
          `${fmt(r.lines)} lines (${fmt(bytes / 1e6)} MB) in ${seconds(r.ms)}: write ${seconds(r.phases.writeMs)} (read, validate, seal, insert, match; ${r.workers} worker thread(s) ` +
            `and the importing thread), rest of the matching ${seconds(r.phases.matchMs)}, indexes ${seconds(r.phases.indexMs)}, ANALYZE ${seconds(r.phases.analyzeMs)}, ` +
            `commit ${seconds(r.phases.commitMs)}`,
          `${fmt(r.imported.active)} active signals, ${fmt(r.matches.created)} matches made, ${fmt(r.skipped.duplicates)} repeated signals skipped`,
          `CPU ${fmt((result.cpuMs * 1000) / r.lines)} µs per line over all threads; peak memory (VmHWM) ${fmt(result.memory.peak)} MiB, ` +
            `${fmt(result.before.peak)} MiB before the import`,
          `baseline: ${fmt(bare.rows)} rows in ${seconds(bare.ms)}, peak ${fmt(bare.memory.peak)} MiB`,
        ],
      },
    ];
  },
};

export default benchmark;
