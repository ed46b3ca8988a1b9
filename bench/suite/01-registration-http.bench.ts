import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, type Child } from '../lib/child.js';
import { birthDateOf, bsnOf, municipalityCode } from '../lib/data.js';
import { closedLoop, type LoadResult } from '../lib/load.js';
import { BENCH_ADMIN_TOKEN } from '../lib/region.js';
import { fmt, percentile } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 1. Registration through the HTTP API, the whole path (API key and professional check,
 * validation, BSN sealing, match check, outbox event, notices, audit entry, request log),
 * 50 concurrent clients on loopback, each acting for its own professional. Baseline in the same
 * run: a bare express 5 JSON POST that inserts one row into better-sqlite3, under the same load.
 * Both servers run in a child process; the load generator (undici) runs here.
 * Targets: throughput ratio >= 0.5; p99 <= 50 ms.
 */
const CLIENTS = 50;
const WARMUP_MS = 3_000;
const MEASURE_MS = 10_000;
/** Youths drawn at random for each request: some get two or more professionals (a match), a few the same one twice (200). */
const YOUTHS = 100_000;

interface Client {
  key: string;
  professionalId: string;
}

async function post(baseUrl: string, path: string, body: unknown, token = BENCH_ADMIN_TOKEN): Promise<{ id: string; key: string }> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string };
}

/** A covenant area through the admin API: 2 municipalities, 5 institutions of 10 professionals, an API key each. */
async function setUp(baseUrl: string): Promise<Client[]> {
  for (let m = 0; m < 2; m++) {
    await post(baseUrl, '/api/v1/admin/municipalities', { code: municipalityCode(m), name: `Gemeente ${m}`, checker: { name: `Checker ${m}`, email: `checker${m}@example.org`, phone: '030-1234567' } });
  }
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS / 10; i++) {
    const institution = await post(baseUrl, '/api/v1/admin/institutions', { name: `Instelling ${i}`, category: i % 2 ? 'ggz' : 'toegangsteam' });
    const { key } = await post(baseUrl, `/api/v1/admin/institutions/${institution.id}/api-keys`, {});
    for (let p = 0; p < 10; p++) {
      const pro = await post(baseUrl, `/api/v1/admin/institutions/${institution.id}/professionals`, { name: `Prof ${i} ${p}`, function: 'Jeugdconsulent', email: `p${i}.${p}@example.org`, phone: '06-12345678' });
      clients.push({ key, professionalId: pro.id });
    }
  }
  return clients;
}

interface Measured {
  load: LoadResult;
  memory: { rss: number; peak: number };
  /** The server's CPU time over the measured period, in ms. */
  cpuMs: { user: number; system: number } | null;
}

async function measure(env: Parameters<Benchmark['run']>[0], kind: 'region' | 'baseline'): Promise<Measured> {
  const dataDir = join(env.dir, `http-${kind}`);
  mkdirSync(dataDir, { recursive: true });
  const server: Child = startChild('region-server', [kind, dataDir]);
  try {
    const { port } = await server.next<{ type: 'ready'; port: number }>('ready', 60_000);
    const origin = `http://127.0.0.1:${port}`;
    const clients = kind === 'region' ? await setUp(origin) : Array.from({ length: CLIENTS }, (_, i) => ({ key: 'none', professionalId: `p${i}` }));
    const now = Date.now();
    const youths = Array.from({ length: YOUTHS }, (_, j) => ({ bsn: bsnOf(j), birthDate: birthDateOf(j, now), municipality: municipalityCode(j % 2) }));
    let draw = 12345;
    env.log(`  ${kind}: ${CLIENTS} clients, ${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured`);
    const load = await closedLoop(origin, {
      clients: CLIENTS, warmupMs: WARMUP_MS, measureMs: MEASURE_MS,
      onPeriod: (edge) => server.send({ type: `period-${edge}` }),
      request: (c) => {
        draw = (Math.imul(draw, 1103515245) + 12345) >>> 0;
        const y = youths[draw % YOUTHS];
        return {
          path: '/api/v1/signals',
          headers: { authorization: `Bearer ${clients[c].key}`, 'x-professional-id': clients[c].professionalId },
          body: JSON.stringify({ bsn: y.bsn, birthDate: y.birthDate, municipality: y.municipality, legalGroundConfirmed: true }),
        };
      },
    });
    server.send({ type: 'stop' });
    const stopped = await server.next<{ type: 'stopped' } & Omit<Measured, 'load'>>('stopped');
    return { load, memory: stopped.memory, cpuMs: stopped.cpuMs };
  } finally {
    await server.stop();
  }
}

/** The server's CPU per answer in the measured period (user + system), in µs. */
const cpuText = (m: Measured): string => {
  if (!m.cpuMs || !m.load.requests) return 'server CPU not measured';
  const per = (ms: number) => fmt((ms * 1000) / m.load.requests);
  return `server CPU ${per(m.cpuMs.user + m.cpuMs.system)} µs per answer (user ${per(m.cpuMs.user)}, system ${per(m.cpuMs.system)})`;
};

const statusText = (l: LoadResult): string => Object.entries(l.statuses).map(([s, n]) => `${fmt(n)}× ${s}`).join(', ') + (l.errors ? `, ${l.errors} errors` : '');

const benchmark: Benchmark = {
  id: '1',
  name: 'registration over HTTP',
  async run(env): Promise<BenchResult[]> {
    const base = await measure(env, 'baseline');
    const region = await measure(env, 'region');
    const ok = (l: LoadResult) => l.errors === 0 && Object.keys(l.statuses).every((s) => s === '200' || s === '201');
    const p99 = percentile(region.load.latencies, 99);
    const baseP99 = percentile(base.load.latencies, 99);
    const ratio = region.load.perSecond / base.load.perSecond;
    const notes = [
      `region: ${fmt(region.load.requests)} answers in ${MEASURE_MS / 1000} s (${statusText(region.load)}); p50 ${fmt(percentile(region.load.latencies, 50))} ms, ` +
        `p99 ${fmt(p99)} ms, max ${fmt(Math.max(...region.load.latencies))} ms; server peak memory ${fmt(region.memory.peak)} MiB; ${cpuText(region)}`,
      `baseline: ${fmt(base.load.requests)} answers (${statusText(base.load)}); p50 ${fmt(percentile(base.load.latencies, 50))} ms, p99 ${fmt(baseP99)} ms; ${cpuText(base)}`,
    ];
    if (!ok(region.load) || !ok(base.load)) notes.push('FAILED: some answers were neither 200 nor 201');
    return [
      {
        id: '1', name: `registration over HTTP, ${CLIENTS} clients`,
        figure: { value: region.load.perSecond, unit: 'req/s' },
        baseline: { value: base.load.perSecond, unit: 'req/s', label: 'bare express + 1 insert' },
        ratio, higherIsBetter: true, target: 'ratio >= 0.5', pass: ratio >= 0.5 && ok(region.load) && ok(base.load), notes,
      },
      {
        id: '1b', name: `registration over HTTP, p99 latency`,
        figure: { value: p99, unit: 'ms' },
        baseline: { value: baseP99, unit: 'ms', label: 'bare express + 1 insert' },
        ratio: p99 / baseP99, higherIsBetter: false, target: 'p99 <= 50 ms', pass: p99 <= 50 && ok(region.load), notes: [],
      },
    ];
  },
};

export default benchmark;
