import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ImportResult } from '../child/import.js';
import { runChild } from './child.js';
import { writeSignalsFile } from './data.js';
import { AREA, copyRegion, createArea, type Area } from './region.js';
import { seconds } from './stats.js';
import type { BenchEnv } from './types.js';

/**
 * The large data sets, built with the product's own bulk import (in a child process) and shared
 * within a run:
 * - "region with active signals": N active signals on N youths picked at random from youths 0..N-1
 *   (about 26% of the youths get two or more signals, so about 63% of the signals are in a match);
 * - "region with active and archived signals": a copy of it plus N archived signals on youths
 *   N/2..3N/2-1 (half of them youths with an active signal too).
 */
export interface PopulatedRegion {
  dataDir: string;
  area: Area;
  /** The moment the signal files were made for. */
  now: Date;
  signals: number;
  /** Youths with active signals are 0..signals-1; with archived signals (if any) signals/2..3*signals/2-1. */
  archived: boolean;
  imports: { file: string; bytes: number; generateMs: number; result: ImportResult }[];
}

async function importInto(env: BenchEnv, dataDir: string, area: Area, kind: 'active' | 'archived', now: Date): Promise<PopulatedRegion['imports'][number]> {
  const file = join(env.dir, `${kind}-${env.signals}.ndjson`);
  const started = performance.now();
  const bytes = writeSignalsFile(file, {
    count: env.signals,
    firstYouth: kind === 'active' ? 0 : Math.floor(env.signals / 2),
    youths: env.signals,
    professionalIds: area.professionals.map((p) => p.id),
    municipalities: AREA.municipalities,
    now,
    kind,
    seed: kind === 'active' ? 1 : 2,
  });
  const generateMs = performance.now() - started;
  // A supplier's file was written long before its import; this one a moment ago, and the benchmarks
  // before left their databases to be written back too. Flushed first, so that the import's commit
  // (an fsync, which on ext4 also writes out other files' pending data) does not pay for them.
  execFileSync('sync');
  env.log(`  generated ${env.signals} ${kind} signals (${Math.round(bytes / 1e6)} MB) in ${seconds(generateMs)}; importing`);
  const result = await runChild<ImportResult>('import', [dataDir, file]);
  env.log(`  imported in ${seconds(result.report.ms)}`);
  return { file, bytes, generateMs, result };
}

export function regionWithActiveSignals(env: BenchEnv): Promise<PopulatedRegion> {
  return env.fixture('region with active signals', async () => {
    const dataDir = join(env.dir, 'region-active');
    const area = createArea(dataDir);
    const now = new Date();
    const imported = await importInto(env, dataDir, area, 'active', now);
    return { dataDir, area, now, signals: env.signals, archived: false, imports: [imported] };
  });
}

export function regionWithArchive(env: BenchEnv): Promise<PopulatedRegion> {
  return env.fixture('region with active and archived signals', async () => {
    const base = await regionWithActiveSignals(env);
    const dataDir = join(env.dir, 'region-active-archived');
    copyRegion(base.dataDir, dataDir);
    const imported = await importInto(env, dataDir, base.area, 'archived', base.now);
    return { ...base, dataDir, archived: true, imports: [...base.imports, imported] };
  });
}
