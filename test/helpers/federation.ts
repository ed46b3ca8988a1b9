import { expect } from 'chai';
import { call, startTestRegion, TestClock, type Caller, type TestRegion } from './region.js';
import { startTestNational } from './national.js';
import { startFaultProxy } from './fault-proxy.js';

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


/**
 * A national index that keeps its feed 30 days (on a clock of its own), regions A and B, and a
 * gateway for region A that holds each HaalMatchstand answer `holdMs` on its way back.
 */
export async function withRetention(holdMs: number) {
  const natClock = new TestClock();
  const nat = await startTestNational({ feed: { retentionDays: 30 } }, natClock.now);
  const ra1 = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url) });
  const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
  const gateway = await startFaultProxy(nat.url, { answer: { HaalMatchstandVerzoek: holdMs } });
  return {
    nat, ra1, rb, gateway,
    headOfA: () => nat.national.ctx.db.prepare("SELECT head FROM feed_heads WHERE region_id = 'regio-a'").pluck().get() as number,
    /** Region A, stopped, stays away for longer than the feed keeps its events. */
    pastRetention: () => {
      natClock.advanceDays(31);
      nat.national.dailyRun();
    },
    /** Region A again, on its data folder, through the gateway. */
    again: (national: Record<string, unknown>) => startTestRegion({ dataDir: ra1.dataDir, region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url, national) }),
    close: async () => {
      await rb.close();
      await gateway.close();
      await nat.close();
    },
  };
}
