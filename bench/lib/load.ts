import { Pool } from 'undici';

/**
 * A closed-loop HTTP load generator on undici: `clients` concurrent clients on as many keep-alive
 * connections, each sending its next request as soon as the previous answer is in, for a warm-up
 * and then a measured period. Latency is from sending a request to having read its whole answer.
 */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Requests answered in the measured period. */
  requests: number;
  perSecond: number;
  /** Latencies of the measured period, in ms. */
  latencies: number[];
  /** Status codes of the measured period, and how often. */
  statuses: Record<number, number>;
  errors: number;
}

export async function closedLoop(
  origin: string,
  o: { clients: number; warmupMs: number; measureMs: number; request: (client: number, n: number) => LoadRequest; onPeriod?: (edge: 'start' | 'end') => void },
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: o.clients, pipelining: 1, keepAliveTimeout: 60_000 });
  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.measureMs;
  // Tells the caller when the measured period starts and ends (the server's CPU is counted over it).
  const edges = o.onPeriod ? [setTimeout(() => o.onPeriod!('start'), o.warmupMs), setTimeout(() => o.onPeriod!('end'), o.warmupMs + o.measureMs)] : [];
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const client = async (c: number): Promise<void> => {
    for (let n = 0; performance.now() < end; n++) {
      const r = o.request(c, n);
      const t = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: r.path, headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
        await res.body.dump();
        const done = performance.now();
        if (t >= measureFrom && done <= end) {
          latencies.push(done - t);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        }
      } catch {
        if (t >= measureFrom) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  for (const t of edges) clearTimeout(t);
  await pool.close();
  return { requests: latencies.length, perSecond: (latencies.length * 1000) / o.measureMs, latencies, statuses, errors };
}
