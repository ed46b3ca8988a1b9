import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NationalStopped } from '../child/national-server.js';
import { startChild } from '../lib/child.js';
import { parseStringPromise } from 'xml2js';
import { deliveryXml, signalEvents, xml2jsRate } from '../lib/federation.js';
import { fmt, seconds } from '../lib/stats.js';
import type { Benchmark, BenchResult } from '../lib/types.js';

/**
 * 4. National ingest: signal events per second through the SOAP delivery operation (HTTP on
 * loopback, parse, schema checks, idempotency, sealing, blind index, matching, feed), in batches
 * of 500, against the baseline of parsing the same XML with xml2js alone. The national index runs
 * in a child process (bench/child/national-server.ts), the client here. Both sides are measured
 * warm (10 batches of other events go first, and xml2js parses the batches once before it is
 * timed) and in the same moments: in rounds of 10 batches, xml2js parses a round and then the
 * index takes it, so that a change in the machine's load falls on both (each side's garbage is
 * collected within its own round, as in a run of its own). Target: ratio >= 0.6.
 */
const EVENTS = 40_000;
const BATCH = 500;
/** Batches sent (and parsed) before the measured ones, so both sides are measured warm (JIT, caches). */
const WARMUP_BATCHES = 10;
/** Batches per round: xml2js parses a round, then the national index takes it, and so on, so that both sides see the same moments of the machine. */
const ROUND = 10;

const benchmark: Benchmark = {
  id: '4',
  name: 'national ingest',
  async run(env): Promise<BenchResult[]> {
    const dir = join(env.dir, 'ingest');
    const batches: string[] = [];
    for (let i = 0; i < EVENTS; i += BATCH) batches.push(deliveryXml('regio-a', signalEvents('regio-a', i, BATCH)));
    const warmup = Array.from({ length: WARMUP_BATCHES }, (_, b) => deliveryXml('regio-a', signalEvents('regio-a', EVENTS + b * BATCH, BATCH)));
    await xml2jsRate(batches, BATCH);
    const server = startChild('national-server', [dir]);
    try {
      const { url } = await server.next<{ type: 'ready'; url: string }>('ready', 60_000);
      const deliver = async (body: string): Promise<void> => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'x-region-id': 'regio-a' }, body });
        const text = await res.text();
        if (res.status !== 200 || text.includes('geweigerd')) throw new Error(`delivery failed: ${res.status} ${text.slice(0, 300)}`);
      };
      for (const body of warmup) await deliver(body);
      let ms = 0;
      let parseMs = 0;
      for (let from = 0; from < batches.length; from += ROUND) {
        const round = batches.slice(from, from + ROUND);
        const p = performance.now();
        for (const body of round) await parseStringPromise(body);
        parseMs += performance.now() - p;
        const t = performance.now();
        for (const body of round) await deliver(body);
        ms += performance.now() - t;
      }
      const rate = (EVENTS * 1000) / ms;
      const baseline = (EVENTS * 1000) / parseMs;
      server.send({ type: 'stop' });
      const stored = (await server.next<NationalStopped>('result')).signals;
      if (stored !== EVENTS + warmup.length * BATCH) throw new Error(`expected ${EVENTS + warmup.length * BATCH} signals stored, found ${stored}`);
      return [{
        id: '4', name: `national ingest of ${fmt(EVENTS)} events`,
        figure: { value: rate, unit: 'events/s' }, baseline: { value: baseline, unit: 'events/s', label: 'xml2js parse of the same XML' },
        ratio: rate / baseline, higherIsBetter: true, target: 'ratio >= 0.6', pass: rate / baseline >= 0.6,
        notes: [`${batches.length} batches of ${BATCH} in ${seconds(ms)} (${fmt(ms / batches.length)} ms per batch; xml2js ${fmt(parseMs / batches.length)} ms per batch, in alternating rounds of ${ROUND}), after ${warmup.length} warm-up batches`],
      }];
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
