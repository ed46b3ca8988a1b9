import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseStringPromise } from 'xml2js';
import { loadConfig } from '../../config/load.js';
import { parseNationalConfig } from '../../national/config.js';
import { createNational, type National } from '../../national/create-national.js';
import { encodeRequest } from '../../national/protocol/codec.js';
import type { SignalEvent } from '../../national/protocol/types.js';
import { createLogger } from '../../region/log.js';
import { createRegion, type Region } from '../../region/create-region.js';
import { bsnOf } from './data.js';

/** A reference national index on 127.0.0.1 (plain HTTP, development mode) in this process. */
export async function startNational(dir: string, port = 0): Promise<{ national: National; url: string }> {
  const config = parseNationalConfig({
    host: '127.0.0.1', port, dataDir: join(dir, 'national'), allowPlainHttp: true, log: { level: 'silent' },
    regions: [{ id: 'regio-a', name: 'A' }, { id: 'regio-b', name: 'B' }],
  });
  const national = createNational(config, { log: createLogger('silent') });
  const bound = await national.start();
  return { national, url: `http://127.0.0.1:${bound}/sync` };
}

/** A region with its connector to `url`, on 127.0.0.1, no demo data, logs off. */
export async function startRegion(dir: string, id: string, url: string, national: Record<string, unknown> = {}): Promise<{ region: Region; baseUrl: string }> {
  mkdirSync(dir, { recursive: true });
  const config = loadConfig({}, {
    host: '127.0.0.1', port: 0, dataDir: dir, demo: false, adminToken: 'bench-admin-token-0123456789abcdef0123456789', log: { level: 'silent' },
    region: { id, name: id }, lifecycle: { runAtStart: false },
    national: { enabled: true, url, allowPlainHttp: true, longPollSeconds: 20, requestTimeoutMs: 30_000, batchSize: 500, backoff: { baseMs: 50, maxMs: 500 }, ...national },
  });
  const region = createRegion(config, { log: createLogger('silent') });
  const port = await region.start();
  return { region, baseUrl: `http://127.0.0.1:${port}` };
}

/** Registered-signal events as a region's connector sends them. */
export function signalEvents(region: string, from: number, count: number): SignalEvent[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${region}-ev-${from + i}`, kind: 'registered', signalId: `${region}-s-${from + i}`, occurredAt: at, bsn: bsnOf(from + i),
    turns23On: '2035-05-04', municipality: '0344', registeredAt: at, removalDate: '2027-05-04',
    professional: { id: `p-${(from + i) % 50}`, name: 'Bench Professional', function: 'Jeugdconsulent', email: 'bench@example.org', phone: '06-12345678', institution: 'Bench' },
  }));
}

export function deliveryXml(region: string, events: SignalEvent[]): string {
  return encodeRequest('LeverMeldingen', { region, events });
}

/** The baseline of benchmarks 6 and 6b: seconds xml2js alone takes to parse the delivery XML of `events`, in batches of 500. */
export async function xml2jsSeconds(region: string, events: SignalEvent[]): Promise<number> {
  const batches: string[] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(deliveryXml(region, events.slice(i, i + 500)));
  return events.length / (await xml2jsRate(batches, 500));
}

/** The baseline of benchmarks 4 and 6: the same XML parsed by xml2js alone, in events per second. */
export async function xml2jsRate(batches: string[], eventsPerBatch: number): Promise<number> {
  const t = performance.now();
  for (const xml of batches) await parseStringPromise(xml);
  return (batches.length * eventsPerBatch * 1000) / (performance.now() - t);
}
