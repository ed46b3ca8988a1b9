import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type RegionConfig } from '../../config/load.js';
import { createRegion, type Region } from '../../region/create-region.js';
import { createLogger } from '../../region/log.js';

/** A controllable clock: tests move time instead of sleeping. */
export class TestClock {
  constructor(public current: Date = new Date('2026-03-02T10:00:00+01:00')) {}
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestRegion {
  region: Region;
  config: RegionConfig;
  baseUrl: string;
  clock: TestClock;
  dataDir: string;
  /** Everything the region logged, one JSON line each. */
  logLines: string[];
  close(): Promise<void>;
}

/** A real regional index on a real SQLite file in a temp folder, listening on 127.0.0.1 port 0. */
export async function startTestRegion(overrides: Record<string, unknown> = {}, clock = new TestClock()): Promise<TestRegion> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vir-region-'));
  const config = loadConfig({}, { host: '127.0.0.1', port: 0, dataDir, demo: false, adminToken: ADMIN_TOKEN, log: { level: 'info' }, lifecycle: { runAtStart: false }, ...overrides });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const region = createRegion(config, { log: createLogger(config.log.level, sink), now: clock.now });
  const port = await region.start();
  return {
    region,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    clock,
    dataDir,
    logLines,
    async close() {
      await region.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON call against the test region. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; professionalId?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.professionalId) headers['x-professional-id'] = options.professionalId;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface Caller {
  token: string;
  professionalId: string;
  institutionId: string;
}

export interface TestArea {
  /** Professionals of three different institutions, with their case system's API key. */
  a: Caller;
  a2: Caller;
  b: Caller;
  c: Caller;
}

/** Sets up a covenant area through the admin API: municipalities 0344 and 0356, three institutions. */
export async function setupArea(baseUrl: string): Promise<TestArea> {
  const admin = { token: ADMIN_TOKEN };
  for (const [code, name] of [['0344', 'Utrecht'], ['0356', 'Nieuwegein']]) {
    const r = await call(baseUrl, 'POST', '/api/v1/admin/municipalities', {
      ...admin,
      body: { code, name, checker: { name: `Checker ${name}`, email: `checker@${code}.example.org`, phone: '030-1234567' } },
    });
    if (r.status !== 201) throw new Error(`municipality: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const institution = async (name: string, category: string): Promise<string> => {
    const r = await call(baseUrl, 'POST', '/api/v1/admin/institutions', { ...admin, body: { name, category } });
    if (r.status !== 201) throw new Error(`institution: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const professional = async (institutionId: string, name: string): Promise<string> => {
    const r = await call(baseUrl, 'POST', `/api/v1/admin/institutions/${institutionId}/professionals`, {
      ...admin,
      body: { name, function: 'Jeugdconsulent', email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`, phone: '06-12345678' },
    });
    if (r.status !== 201) throw new Error(`professional: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const apiKey = async (institutionId: string): Promise<string> => {
    const r = await call(baseUrl, 'POST', `/api/v1/admin/institutions/${institutionId}/api-keys`, admin);
    if (r.status !== 201) throw new Error(`api key: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.key;
  };
  const ia = await institution('Buurtteam Utrecht', 'toegangsteam');
  const ib = await institution('GGD Utrecht', 'jeugdgezondheidszorg');
  const ic = await institution('Leerplicht Utrecht', 'leerplicht');
  const [ka, kb, kc] = [await apiKey(ia), await apiKey(ib), await apiKey(ic)];
  return {
    a: { token: ka, professionalId: await professional(ia, 'Anna Alfa'), institutionId: ia },
    a2: { token: ka, professionalId: await professional(ia, 'Adam Alfa'), institutionId: ia },
    b: { token: kb, professionalId: await professional(ib, 'Bea Beta'), institutionId: ib },
    c: { token: kc, professionalId: await professional(ic, 'Cas Gamma'), institutionId: ic },
  };
}

/** Valid BSNs (elfproef) for tests. */
export const BSN = ['111222333', '232262536', '999999990', '100000009', '012345672'] as const;

/** The n-th valid BSN from 100000000 up (elfproef). */
export function validBsn(n: number): string {
  for (let candidate = 100_000_000, found = -1; ; candidate++) {
    const digits = String(candidate);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
    if ((sum - Number(digits[8])) % 11 === 0 && ++found === n) return digits;
  }
}
