import { expect } from 'chai';
import { call, type Caller, type TestRegion } from './region.js';

/** Polls `check` until it returns a value (not undefined/false), within `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function nationalSettings(url: string, extra: Record<string, unknown> = {}) {
  return {
    national: {
      enabled: true, url, allowPlainHttp: url.startsWith('http:'), longPollSeconds: 5, requestTimeoutMs: 5000,
      backoff: { baseMs: 50, maxMs: 500 }, batchSize: 50, ...extra,
    },
  };
}

export async function registerSignal(t: TestRegion, who: Caller, bsn: string) {
  const r = await call(t.baseUrl, 'POST', '/api/v1/signals', {
    token: who.token, professionalId: who.professionalId, body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true },
  });
  expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
  return r.body;
}

