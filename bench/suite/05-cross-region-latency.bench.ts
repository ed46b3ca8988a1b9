import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bsnOf } from '../lib/data.js';
import { startNational, startRegion } from '../lib/federation.js';
import { fmt, percentile } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 5. Cross-region match latency: a youth already signalled in region B is signalled in region A;
 * the time from A's registration request until B has applied the match event (its connector's long
 * poll), p50 and p95 over 200 youths. Baseline: the registration request itself in region A.
 * Target: p95 < 1 s.
 */
const YOUTHS = 200;

async function area(baseUrl: string): Promise<{ key: string; pro: string }> {
  const admin = { authorization: 'Bearer bench-admin-token-0123456789abcdef0123456789', 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => (await (await fetch(`${baseUrl}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { id: string; key: string };
  await post('/api/v1/admin/municipalities', { code: '0344', name: 'Utrecht', checker: { name: 'C', email: 'c@example.org', phone: '030-1234567' } });
  const inst = await post('/api/v1/admin/institutions', { name: 'Bench', category: 'ggz' });
  const pro = await post(`/api/v1/admin/institutions/${inst.id}/professionals`, { name: 'Bench Pro', function: 'Jeugdarts', email: 'b@example.org', phone: '06-12345678' });
  const key = await post(`/api/v1/admin/institutions/${inst.id}/api-keys`, {});
  return { key: key.key, pro: pro.id };
}

const benchmark: Benchmark = {
  id: '5',
  name: 'cross-region match latency',
  async run(env): Promise<BenchResult[]> {
    const dir = join(env.dir, 'latency');
    const { national, url } = await startNational(dir);
    const a = await startRegion(join(dir, 'a'), 'regio-a', url);
    const b = await startRegion(join(dir, 'b'), 'regio-b', url);
    try {
      const [ca, cb] = [await area(a.baseUrl), await area(b.baseUrl)];
      const register = (r: { baseUrl: string }, c: { key: string; pro: string }, bsn: string) =>
        fetch(`${r.baseUrl}/api/v1/signals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${c.key}`, 'x-professional-id': c.pro, 'content-type': 'application/json' },
          body: JSON.stringify({ bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true }),
        }).then((res) => res.json());
      for (let i = 0; i < YOUTHS; i++) await register(b, cb, bsnOf(i));
      const remote = b.region.ctx.db.prepare('SELECT COUNT(*) AS n FROM remote_participants WHERE left_at IS NULL');
      const count = () => (remote.get() as { n: number }).n;
      const latencies: number[] = [];
      const requests: number[] = [];
      for (let i = 0; i < YOUTHS; i++) {
        const before = count();
        const t = performance.now();
        await register(a, ca, bsnOf(i));
        requests.push(performance.now() - t);
        const deadline = t + 10_000;
        while (count() === before) {
          if (performance.now() > deadline) throw new Error(`youth ${i}: no match event in region B within 10 s`);
          await new Promise((r) => setImmediate(r));
        }
        latencies.push(performance.now() - t);
      }
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      const base = percentile(requests, 50);
      return [{
        id: '5', name: `cross-region match latency, ${YOUTHS} youths (p95)`,
        figure: { value: p95, unit: 'ms' }, baseline: { value: base, unit: 'ms', label: 'p50 of the registration request in A' },
        ratio: p95 / base, higherIsBetter: false, target: 'p95 < 1000 ms', pass: p95 < 1000,
        notes: [`p50 ${fmt(p50, 1)} ms, p95 ${fmt(p95, 1)} ms, max ${fmt(Math.max(...latencies), 1)} ms; national, both regions and this driver share one process`],
      }];
    } finally {
      await a.region.close();
      await b.region.close();
      await national.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
