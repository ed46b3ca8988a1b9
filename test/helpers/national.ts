import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNationalConfig, type NationalConfig } from '../../national/config.js';
import { createNational, type National } from '../../national/create-national.js';
import { createLogger } from '../../region/log.js';
import { decodeResponse, encodeRequest } from '../../national/protocol/codec.js';
import type { Operation, RequestMap, ResponseMap, SignalEvent } from '../../national/protocol/types.js';

export interface TestNational {
  national: National;
  config: NationalConfig;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A reference national index on a temp folder, on 127.0.0.1 port 0 (plain HTTP unless tls is given). */
export async function startTestNational(overrides: Record<string, unknown> = {}, now?: () => Date): Promise<TestNational> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vir-national-'));
  const config = parseNationalConfig({
    host: '127.0.0.1', port: 0, dataDir, allowPlainHttp: true,
    regions: [{ id: 'regio-a', name: 'Regio A' }, { id: 'regio-b', name: 'Regio B' }],
    log: { level: 'silent' },
    ...overrides,
  });
  const national = createNational(config, { log: createLogger('silent'), now });
  const port = await national.start();
  return {
    national, config, dataDir, url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}/sync`,
    async close() {
      await national.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One plain-HTTP SOAP call as a region (development mode names the region by header). */
export async function soapCall<O extends Operation>(url: string, region: string, op: O, request: RequestMap[O]): Promise<ResponseMap[O]> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'x-region-id': region }, body: encodeRequest(op, request) });
  return decodeResponse(op, await res.text());
}

export async function rawSoap(url: string, region: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'x-region-id': region }, body });
  return { status: res.status, text: await res.text() };
}

let counter = 0;
export function registered(signalId: string, bsn: string, professionalId: string, extra: Partial<SignalEvent> = {}): SignalEvent {
  return {
    eventId: `ev-${signalId}-${++counter}`, kind: 'registered', signalId, occurredAt: '2026-03-02T09:00:00.000Z',
    bsn, turns23On: '2035-05-04', municipality: '0344', registeredAt: '2026-03-02T09:00:00.000Z', removalDate: '2028-03-02',
    professional: { id: professionalId, name: `Prof ${professionalId}`, function: 'Jeugdconsulent', email: `${professionalId}@example.org`, phone: '06-12345678', institution: 'Instelling' },
    ...extra,
  };
}
