import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, TestClock, type Caller } from '../helpers/region.js';
import { startTestNational } from '../helpers/national.js';
import { eventually, nationalSettings, registerSignal } from '../helpers/federation.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });

describe('recovery between a region and the national index', () => {
  it('keeps the events when a gateway answers 429 with an HTML page, and delivers them all once it lets them through', async () => {
    const nat = await startTestNational();
    const gateway = await startFaultProxy(nat.url);
    gateway.mode = 'throttle';
    const t = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url) });
    try {
      const area = await setupArea(t.baseUrl);
      for (const bsn of BSN.slice(0, 3)) await registerSignal(t, area.a, bsn);
      await eventually(() => gateway.requests >= 4, 10_000, 'four refused requests');
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body).to.include({ backlog: 3, deadLetters: 0 });
      gateway.mode = 'pass';
      await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog === 0, 10_000, 'delivery');
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.deadLetters).to.equal(0);
      const active = nat.national.ctx.db.prepare("SELECT COUNT(*) FROM signals WHERE region_id = 'regio-a' AND status = 'active'").pluck().get();
      expect(active).to.equal(3);
    } finally {
      await t.close();
      await gateway.close();
      await nat.close();
    }
  });

  it('keeps the events, and puts none among the dead letters, while the national index does not know the region (a configuration error)', async () => {
    const nat = await startTestNational();
    const t = await startTestRegion({ region: { id: 'regio-x', name: 'X' }, ...nationalSettings(nat.url) });
    try {
      const area = await setupArea(t.baseUrl);
      for (const bsn of BSN.slice(0, 3)) await registerSignal(t, area.a, bsn);
      await eventually(() => t.region.ctx.db.prepare('SELECT MIN(attempts) FROM outbox').pluck().get() as number >= 2, 10_000, 'two attempts');
      const status = (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body;
      expect(status).to.include({ backlog: 3, deadLetters: 0 });
      const errors = t.region.ctx.db.prepare('SELECT DISTINCT last_error FROM outbox').pluck().all() as string[];
      expect(errors).to.have.length(1);
      expect(errors[0]).to.contain('ONBEKENDE_REGIO');
    } finally {
      await t.close();
      await nat.close();
    }
  });

  it('sends an event again, later, when the national index could not process it at that moment (VERWERKING_MISLUKT), instead of putting it among the dead letters', async () => {
    const nat = await startTestNational();
    // A storage failure at the national index, from outside: its database refuses new signals until the trigger goes.
    const outside = new Database(join(nat.dataDir, 'national.db'));
    outside.exec("CREATE TRIGGER storage_fails BEFORE INSERT ON signals BEGIN SELECT RAISE(ABORT, 'storage failure'); END");
    const t = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url) });
    try {
      const area = await setupArea(t.baseUrl);
      const s = await registerSignal(t, area.a, BSN[0]);
      await eventually(() => (t.region.ctx.db.prepare('SELECT attempts FROM outbox').pluck().get() as number) >= 2, 10_000, 'two attempts');
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body).to.include({ backlog: 1, deadLetters: 0 });
      expect(t.region.ctx.db.prepare('SELECT last_error FROM outbox').pluck().get()).to.contain('VERWERKING_MISLUKT');
      outside.exec('DROP TRIGGER storage_fails');
      await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog === 0, 10_000, 'delivery');
      expect(nat.national.ctx.db.prepare('SELECT status FROM signals WHERE signal_id = ?').pluck().get(s.id)).to.equal('active');
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.deadLetters).to.equal(0);
    } finally {
      outside.close();
      await t.close();
      await nat.close();
    }
  });

  it('puts an event the national index rejects among the dead letters, and delivers the others', async () => {
    const nat = await startTestNational();
    const first = await startTestRegion({ region: { id: 'regio-a', name: 'A' } });
    const area = await setupArea(first.baseUrl);
    const early = await registerSignal(first, area.a, BSN[0]);
    await first.region.close();
    const t = await startTestRegion({ dataDir: first.dataDir, region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url) });
    try {
      await call(t.baseUrl, 'POST', `/api/v1/signals/${early.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
      await registerSignal(t, area.b, BSN[1]);
      await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog === 0, 10_000, 'delivery');
      const s = (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body;
      expect(s.deadLetters).to.equal(1);
      const dead = (await call(t.baseUrl, 'GET', '/api/v1/admin/connector/dead-letters', { token: ADMIN_TOKEN })).body;
      expect(dead).to.have.length(1);
      expect(dead[0]).to.include({ signalId: early.id, kind: 'removed', code: 'ONBEKENDE_MELDING' });
      const active = nat.national.ctx.db.prepare("SELECT COUNT(*) AS n FROM signals WHERE region_id = 'regio-a' AND status = 'active'").get() as { n: number };
      expect(active.n).to.equal(1);
      // Delivered and dead events no longer hold their sealed event (a BSN, contact details).
      const outbox = t.region.ctx.db.prepare('SELECT kind, delivered_at IS NOT NULL AS delivered, dead_at IS NOT NULL AS dead, length(payload) AS bytes FROM outbox ORDER BY seq').all();
      expect(outbox).to.deep.equal([
        { kind: 'removed', delivered: 0, dead: 1, bytes: 0 },
        { kind: 'registered', delivered: 1, dead: 0, bytes: 0 },
      ]);
      // After national.deliveredRetentionDays (30) the removal run deletes the delivered event; the dead letter stays.
      t.clock.advanceDays(29);
      expect(t.region.lifecycle.runRemoval().deliveredEventsPruned).to.equal(0);
      t.clock.advanceDays(2);
      expect(t.region.lifecycle.runRemoval().deliveredEventsPruned).to.equal(1);
      expect(t.region.ctx.db.prepare('SELECT kind FROM outbox').pluck().all()).to.deep.equal(['removed']);
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector/dead-letters', { token: ADMIN_TOKEN })).body).to.have.length(1);
    } finally {
      await t.close();
      await nat.close();
    }
  });

  it('brings back a signal the national index expired by its own clock while the region\'s extension could not reach it, and its match', async () => {
    const nationalClock = new TestClock();
    const nat = await startTestNational({}, nationalClock.now);
    const gateway = await startFaultProxy(nat.url);
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
    try {
      const a = await setupArea(ra.baseUrl);
      const b = await setupArea(rb.baseUrl);
      const s = await registerSignal(ra, a.a, BSN[0]);
      // Region B signals the same youth 700 days later: its signal runs two years from then.
      nationalClock.advanceDays(700);
      rb.clock.advanceDays(700);
      await registerSignal(rb, b.b, BSN[0]);
      const matchesOfB = async () => ((await call(rb.baseUrl, 'GET', '/api/v1/matches', as(b.b))).body as { status: string }[]).map((m) => m.status);
      await eventually(async () => (await matchesOfB()).length === 1, 10_000, 'the cross-region match');
      // Region A loses its link, and extends its signal five days before the end of its two years.
      gateway.mode = 'error500';
      ra.clock.advanceDays(725);
      const extended = await call(ra.baseUrl, 'POST', `/api/v1/signals/${s.id}/extension`, { ...as(a.a), body: {} });
      expect(extended.status).to.equal(200);
      nationalClock.advanceDays(32);
      nat.national.dailyRun();
      const atNational = () => nat.national.ctx.db.prepare('SELECT status, removal_date FROM signals WHERE signal_id = ?').get(s.id);
      expect(atNational()).to.include({ status: 'archived' });
      await eventually(async () => (await matchesOfB()).includes('ended'), 10_000, 'the match ended in region B');
      gateway.mode = 'pass';
      await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog === 0, 10_000, 'delivery');
      expect(atNational()).to.deep.equal({ status: 'active', removal_date: extended.body.removalDate });
      expect((await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.deadLetters).to.equal(0);
      await eventually(async () => (await matchesOfB()).includes('active'), 10_000, 'the match back in region B');
    } finally {
      await ra.close();
      await rb.close();
      await gateway.close();
      await nat.close();
    }
  });
});
