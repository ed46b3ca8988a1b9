import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NationalStopped } from '../child/national-server.js';
import { startChild } from '../lib/child.js';
import { deliveryXml, signalEvents, xml2jsRate } from '../lib/federation.js';
import { fmt, seconds } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 4. National ingest: signal events per second through the SOAP delivery operation (HTTP on
 * loopback, parse, schema checks, idempotency, sealing, blind index, matching, feed), in batches
 * of 500, against the baseline of parsing the same XML with xml2js alone. The national index runs
 * in a child process (bench/child/national-server.ts), the client here. Target: ratio >= 0.6.
 */
const EVENTS = 40_000;
const BATCH = 500;

const benchmark: Benchmark = {
  id: '4',
  name: 'national ingest',
  async run(env): Promise<BenchResult[]> {
    const dir = join(env.dir, 'ingest');
    const batches: string[] = [];
    for (let i = 0; i < EVENTS; i += BATCH) batches.push(deliveryXml('regio-a', signalEvents('regio-a', i, BATCH)));
    const baseline = await xml2jsRate(batches, BATCH);
    const server = startChild('national-server', [dir]);
    try {
      const { url } = await server.next<{ type: 'ready'; url: string }>('ready', 60_000);
      const t = performance.now();
      for (const body of batches) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'x-region-id': 'regio-a' }, body });
        const text = await res.text();
        if (res.status !== 200 || text.includes('geweigerd')) throw new Error(`delivery failed: ${res.status} ${text.slice(0, 300)}`);
      }
      const ms = performance.now() - t;
      const rate = (EVENTS * 1000) / ms;
      server.send({ type: 'stop' });
      const stored = (await server.next<NationalStopped>('result')).signals;
      if (stored !== EVENTS) throw new Error(`expected ${EVENTS} signals stored, found ${stored}`);
      return [{
        id: '4', name: `national ingest of ${fmt(EVENTS)} events`,
        figure: { value: rate, unit: 'events/s' }, baseline: { value: baseline, unit: 'events/s', label: 'xml2js parse of the same XML' },
        ratio: rate / baseline, higherIsBetter: true, target: 'ratio >= 0.6', pass: rate / baseline >= 0.6,
        notes: [`${batches.length} batches of ${BATCH} in ${seconds(ms)} (${fmt(ms / batches.length)} ms per batch)`],
      }];
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
