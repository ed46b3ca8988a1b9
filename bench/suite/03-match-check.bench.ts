import { join } from 'node:path';
import type { Kind, MatchCheckResult, Outcome } from '../child/match-check.js';
import { runChild } from '../lib/child.js';
import { regionWithArchive } from '../lib/fixtures.js';
import { createArea } from '../lib/region.js';
import { fmt, mean, percentile } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 3. The match check's cost with N active and N archived signals in the database: the time of a
 * registration through the signal service beyond the time of the bare insert of its row, both
 * measured on that database in one process (bench/child/match-check.ts). The figure is taken
 * over the registrations whose check found no match: what every registration pays for the check
 * (the youth's active signals, the unnotified archive), with its audit entry and sealing. When
 * the check does find one, making the match (its rows, the participants, the notices to each
 * professional and checker) is further work, reported beside it; so is the mean over all.
 * The same is measured on an empty region for comparison. Target: <= 100 µs. Writes a few
 * thousand registrations into its data set, of which it is the last user.
 */
const TARGET_US = 100;
const ROUNDS = 10;
const PER_ROUND = 300;

const summary = (r: MatchCheckResult) => {
  const all = Object.values(r.registerUs).flat();
  const checked = r.outcomeUs['no match'];
  return {
    insert: mean(r.insertUs), register: mean(checked), extra: mean(checked) - mean(r.insertUs), p99: percentile(checked, 99),
    all: mean(all), allExtra: mean(all) - mean(r.insertUs), lookups: mean(r.lookupUs),
  };
};

const benchmark: Benchmark = {
  id: '3',
  name: 'match check at scale',
  async run(env): Promise<BenchResult[]> {
    const region = await regionWithArchive(env);
    const nowMs = String(region.now.getTime());
    env.log(`  ${ROUNDS} rounds of ${PER_ROUND} bare inserts and ${PER_ROUND} registrations`);
    const big = await runChild<MatchCheckResult>('match-check', [region.dataDir, String(region.signals), nowMs, String(ROUNDS), String(PER_ROUND)]);
    const emptyDir = join(env.dir, 'region-empty-3');
    createArea(emptyDir);
    env.log('  the same on an empty region');
    const empty = await runChild<MatchCheckResult>('match-check', [emptyDir, String(region.signals), nowMs, String(ROUNDS), String(PER_ROUND)]);
    const b = summary(big);
    const e = summary(empty);
    const perKind = (Object.entries(big.registerUs) as [Kind, number[]][]).filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${fmt(mean(v))} µs`).join(', ');
    const perOutcome = (Object.entries(big.outcomeUs) as [Outcome, number[]][]).filter(([, v]) => v.length > 0)
      .map(([k, v]) => `${k} ${fmt(mean(v))} µs (${fmt(v.length)}×)`).join(', ');
    return [
      {
        id: '3', name: `match check, ${fmt(big.signalsInDb)} signals in the database`,
        figure: { value: b.extra, unit: 'µs' },
        baseline: { value: b.insert, unit: 'µs', label: 'bare insert of the row' },
        ratio: b.register / b.insert, higherIsBetter: false, target: `<= ${TARGET_US} µs beyond the insert`, pass: b.extra <= TARGET_US,
        notes: [
          `registration that found no match ${fmt(b.register)} µs (p99 ${fmt(b.p99)} µs) = bare insert ${fmt(b.insert)} µs + ${fmt(b.extra)} µs`,
          `by outcome: ${perOutcome}; all registrations ${fmt(b.all)} µs = insert + ${fmt(b.allExtra)} µs`,
          `by kind of youth: ${perKind}`,
          `the match check's own lookups (3 queries on the youth): ${fmt(b.lookups)} µs; on an empty region ${fmt(e.lookups)} µs`,
          `answers: ${Object.entries(big.statuses).map(([s, n]) => `${n}× ${s}`).join(', ')}; ${big.matchesMade} registrations made or joined a match`,
          `on an empty region: registration ${fmt(e.register)} µs = bare insert ${fmt(e.insert)} µs + ${fmt(e.extra)} µs`,
        ],
      },
    ];
  },
};

export default benchmark;
