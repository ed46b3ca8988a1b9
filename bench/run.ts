import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt } from './lib/stats.js';
import type { Benchmark, BenchEnv, BenchResult } from './lib/types.js';

/**
 * `npm run bench [-- <id> ...]`: runs the benchmarks of bench/suite/ (all, or those named), prints
 * one table and exits non-zero when a figure misses its target or a benchmark fails. Not part of
 * `npm test`. How to read the table: docs/performance.md.
 *
 * Environment: BENCH_SIGNALS (signals per large data set, default 1,000,000), BENCH_KEEP=1 (keep
 * the run's temp folder), BENCH_CPU_PROF=<dir> (a CPU profile of each child process there).
 */
const SUITE = fileURLToPath(new URL('./suite/', import.meta.url));
/** The issue's benchmarks; those without a file yet are listed as such. */
const EXPECTED = ['1', '2', '3', '4', '5', '6', '7'];
const TIME_LIMIT_MS = 10 * 60_000;

async function loadSuite(): Promise<Benchmark[]> {
  const files = readdirSync(SUITE).filter((f) => /^\d+-.+\.bench\.ts$/.test(f)).sort();
  const benchmarks: Benchmark[] = [];
  for (const f of files) benchmarks.push((await import(pathToFileURL(join(SUITE, f)).href)).default as Benchmark);
  return benchmarks;
}

function createEnv(): BenchEnv {
  const dir = mkdtempSync(join(tmpdir(), 'vir-bench-'));
  const signals = Number(process.env.BENCH_SIGNALS ?? 1_000_000);
  if (!Number.isInteger(signals) || signals < 1000) throw new Error('BENCH_SIGNALS must be a whole number of at least 1000');
  const fixtures = new Map<string, Promise<unknown>>();
  return {
    dir,
    signals,
    fixture<T>(name: string, build: () => Promise<T>): Promise<T> {
      if (!fixtures.has(name)) {
        process.stderr.write(`building data set: ${name}\n`);
        fixtures.set(name, build());
      }
      return fixtures.get(name) as Promise<T>;
    },
    log: (message) => process.stderr.write(`${message}\n`),
  };
}

function failed(b: Benchmark, err: unknown): BenchResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    id: b.id, name: b.name, figure: { value: NaN, unit: '' }, baseline: { value: NaN, unit: '', label: '' }, ratio: NaN,
    higherIsBetter: true, target: '', pass: false, notes: [`failed: ${message}`],
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}

const machine = (): string =>
  `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ` +
  `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const started = performance.now();
  const env = createEnv();
  const suite = (await loadSuite()).filter((b) => wanted.length === 0 || wanted.includes(b.id));
  process.stderr.write(`bench: ${machine()}; ${fmt(env.signals)} signals per data set; folder ${env.dir}\n`);
  const results: BenchResult[] = [];
  try {
    for (const b of suite) {
      process.stderr.write(`\n[${b.id}] ${b.name}\n`);
      const t = performance.now();
      try {
        results.push(...(await b.run(env)));
      } catch (err) {
        results.push(failed(b, err));
      }
      process.stderr.write(`[${b.id}] done in ${fmt((performance.now() - t) / 1000, 1)} s\n`);
    }
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stderr.write(`kept ${env.dir}\n`);
    else rmSync(env.dir, { recursive: true, force: true });
  }
  const elapsed = performance.now() - started;

  const out: string[] = [`Benchmarks, ${new Date().toISOString()}: ${machine()}`, ''];
  const rows = [['#', 'benchmark', 'figure', 'baseline (same run)', 'ratio', 'target', 'result']];
  for (const r of results) {
    rows.push([
      r.id, r.name, `${fmt(r.figure.value)} ${r.figure.unit}`, `${fmt(r.baseline.value)} ${r.baseline.unit} (${r.baseline.label})`,
      fmt(r.ratio, 2), r.target, r.pass ? 'pass' : 'FAIL',
    ]);
  }
  for (const id of EXPECTED) {
    if (wanted.length === 0 && !results.some((r) => r.id.replace(/[a-z]$/, '') === id)) rows.push([id, '(no file in bench/suite yet)', '', '', '', '', '-']);
  }
  rows.splice(1, rows.length - 1, ...rows.slice(1).sort((a, b) => parseInt(a[0]) - parseInt(b[0]) || a[0].localeCompare(b[0])));
  out.push(...table(rows), '');
  for (const r of results) for (const n of r.notes) out.push(`${r.id}: ${n}`);
  out.push('', `total ${fmt(elapsed / 1000, 1)} s${elapsed > TIME_LIMIT_MS ? ` — over the ${TIME_LIMIT_MS / 60_000} minute limit` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return results.every((r) => r.pass) && elapsed <= TIME_LIMIT_MS ? 0 : 1;
}

process.exitCode = await main();
