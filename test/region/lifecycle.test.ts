import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BSN, call, setupArea, startTestRegion, TestClock, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('automatic removal and archive (7.1.4.5, 7.1.4.6)', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string, extra: Record<string, unknown> = {}) => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true, ...extra } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body;
  };
  const get = async (who: Caller, id: string) => (await call(t.baseUrl, 'GET', `/api/v1/signals/${id}`, as(who))).body;
  const runAudit = () =>
    (t.region.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'lifecycle.removal-run' ORDER BY seq").all() as { detail: string }[]).map((r) => JSON.parse(r.detail));

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('archives a signal on its removal date, ends its match and tells the one left', async () => {
    const a = await register(area.a, BSN[0], { removalDate: '2026-04-01' });
    const b = await register(area.b, BSN[0]);
    t.clock.set('2026-03-31T23:30:00+02:00');
    expect((await t.region.scheduler.runLifecycle()).removal).to.deep.equal({ expired: 0, age23: 0, archiveDestroyed: 0, idempotencyKeysPruned: 0, deliveredEventsPruned: 0 });
    t.clock.set('2026-04-01T00:05:00+02:00');
    expect((await t.region.scheduler.runLifecycle()).removal).to.deep.equal({ expired: 1, age23: 0, archiveDestroyed: 0, idempotencyKeysPruned: 0, deliveredEventsPruned: 0 });
    expect(await get(area.a, a.id)).to.include({ status: 'archived', removalReason: 'expired', archiveUntil: '2031-04-01' });
    const m = await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.b));
    expect(m.body.status).to.equal('ended');
    const notices = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b))).body;
    expect(notices[0]).to.include({ kind: 'participant-left', matchEnded: true });
    expect(runAudit().at(-1)).to.deep.equal({ expired: 1, age23: 0, archiveDestroyed: 0, idempotencyKeysPruned: 0, deliveredEventsPruned: 0 });
  });

  it('runs the archive of a signal removed days late (the index was down) from its removal date, not from the day of the run', async () => {
    const a = await register(area.a, BSN[0], { removalDate: '2026-04-01' });
    t.clock.set('2026-04-04T03:00:00+02:00');
    expect((await t.region.scheduler.runLifecycle()).removal).to.deep.include({ expired: 1 });
    expect(await get(area.a, a.id)).to.include({ status: 'archived', removalReason: 'expired', archiveUntil: '2031-04-01' });
  });

  it('removes a signal without archive on the youth\'s 23rd birthday', async () => {
    const s = await register(area.a, BSN[0], { birthDate: '2003-06-01' });
    expect(s.removalDate).to.equal('2026-06-01');
    t.clock.set('2026-06-01T08:00:00+02:00');
    expect((await t.region.scheduler.runLifecycle()).removal).to.deep.include({ age23: 1, expired: 0 });
    expect(await get(area.a, s.id)).to.include({ status: 'removed', removalReason: 'age-23' });
    const row = t.region.ctx.db.prepare('SELECT youth_key, bsn_sealed FROM signals WHERE id = ?').get(s.id);
    expect(row).to.deep.equal({ youth_key: null, bsn_sealed: null });
  });

  it('destroys an archived signal after five years', async () => {
    const s = await register(area.a, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    t.clock.set('2031-03-01T12:00:00+01:00');
    expect((await t.region.scheduler.runLifecycle()).removal!.archiveDestroyed).to.equal(0);
    t.clock.set('2031-03-02T00:10:00+01:00');
    expect((await t.region.scheduler.runLifecycle()).removal!.archiveDestroyed).to.equal(1);
    expect((await get(area.a, s.id)).status).to.equal('removed');
    await register(area.b, BSN[0], { birthDate: '2012-05-04' });
    const history = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b))).body.filter((n: { kind: string }) => n.kind === 'history');
    expect(history).to.deep.equal([]);
  });

  it('takes back, with the archive, the history notice it gave to a professional who signalled the youth since', async () => {
    const s = await register(area.a, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    await register(area.b, BSN[0]);
    const historyOfB = async () => (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b))).body.filter((n: { kind: string }) => n.kind === 'history');
    expect(await historyOfB()).to.have.length(1);
    t.clock.set('2031-03-02T00:10:00+01:00');
    expect((await t.region.scheduler.runLifecycle()).removal!.archiveDestroyed).to.equal(1);
    expect(await historyOfB()).to.deep.equal([]);
  });

  it('destroys an archived signal earlier, when the youth turns 23', async () => {
    const s = await register(area.a, BSN[0], { birthDate: '2005-01-10' });
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    expect((await get(area.a, s.id)).archiveUntil).to.equal('2028-01-10');
    t.clock.set('2028-01-10T06:00:00+01:00');
    expect((await t.region.scheduler.runLifecycle()).removal!.archiveDestroyed).to.equal(1);
  });

  it('forgets Idempotency-Keys after the configured retention', async () => {
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), headers: { 'idempotency-key': 'k1' }, body: { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
    t.clock.advanceDays(0.5);
    expect((await t.region.scheduler.runLifecycle()).removal!.idempotencyKeysPruned).to.equal(0);
    t.clock.advanceDays(0.6);
    expect((await t.region.scheduler.runLifecycle()).removal!.idempotencyKeysPruned).to.equal(1);
  });

  it('never runs the job twice at once', async () => {
    await register(area.a, BSN[0], { removalDate: '2026-04-01' });
    t.clock.set('2026-04-02T10:00:00+02:00');
    const [first, second] = await Promise.all([t.region.jobRuns.runExclusive('removal', () => t.region.lifecycle.runRemoval()), t.region.jobRuns.runExclusive('removal', () => t.region.lifecycle.runRemoval())]);
    expect([first, second].filter((r) => r === null)).to.have.length(1);
    expect(runAudit()).to.have.length(1);
  });

  it('skips a run while another process holds the job, and takes over once that lease has lapsed', async () => {
    const db = t.region.ctx.db;
    db.prepare("INSERT INTO job_runs (job, started_at, lease_until) VALUES ('removal', ?, ?)").run('2026-03-02T08:59:00.000Z', '2026-03-02T09:00:30.000Z');
    expect(await t.region.jobRuns.runExclusive('removal', () => t.region.lifecycle.runRemoval())).to.equal(null);
    t.clock.advanceDays(1);
    expect(await t.region.jobRuns.runExclusive('removal', () => t.region.lifecycle.runRemoval())).to.deep.equal({ expired: 0, age23: 0, archiveDestroyed: 0, idempotencyKeysPruned: 0, deliveredEventsPruned: 0 });
    const abandoned = db.prepare("SELECT counts FROM job_runs WHERE job = 'removal' ORDER BY id LIMIT 1").get() as { counts: string };
    expect(JSON.parse(abandoned.counts)).to.deep.equal({ abandoned: true });
  });
});

describe('a removal run killed mid-way', () => {
  for (const [step, label] of [['signal-updated', 'inside a removal, after the signal row changed'], ['signal-removed', 'between two removals']] as const) {
    it(`leaves no half state when killed ${label}, and the next run finishes the work`, async function () {
      this.timeout(30_000);
      const clock = new TestClock();
      const t = await startTestRegion({}, clock);
      const area = await setupArea(t.baseUrl);
      const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
      const matchIds: string[] = [];
      for (const bsn of BSN.slice(0, 3)) {
        const body = { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true, removalDate: '2026-04-01' };
        await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
        const b = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body: { ...body, removalDate: '2026-12-01' } });
        matchIds.push(b.body.matchId);
      }
      await t.region.close();

      const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/crash-during-removal.ts', t.dataDir, '2026-04-02T10:00:00+02:00', step, '2'], {
        cwd: ROOT, encoding: 'utf8', timeout: 20_000,
      });
      expect(child.signal, child.stderr).to.equal('SIGKILL');

      const after = await startTestRegion({ dataDir: t.dataDir }, new TestClock(new Date('2026-04-02T10:05:00+02:00')));
      try {
        const db = after.region.ctx.db;
        const rows = db.prepare("SELECT s.status, m.status AS match_status FROM signals s JOIN matches m ON m.id = s.match_id WHERE s.professional_id = ? ORDER BY s.registered_at").all(area.a.professionalId) as { status: string; match_status: string }[];
        const archived = rows.filter((r) => r.status === 'archived').length;
        expect(archived).to.equal(step === 'signal-updated' ? 1 : 2);
        for (const r of rows) expect(r.match_status).to.equal(r.status === 'archived' ? 'ended' : 'active');
        const leftNotices = (db.prepare("SELECT COUNT(*) n FROM notices WHERE kind = 'participant-left'").get() as { n: number }).n;
        expect(leftNotices).to.equal(archived);
        expect(after.region.ctx.audit.verify().ok).to.equal(true);

        after.clock.advanceDays(1); // the dead run's lease has lapsed
        const rerun = await after.region.scheduler.runLifecycle();
        expect(rerun.removal!.expired).to.equal(3 - archived);
        for (const id of matchIds) expect((db.prepare('SELECT status FROM matches WHERE id = ?').get(id) as { status: string }).status).to.equal('ended');
        expect((db.prepare("SELECT COUNT(*) n FROM notices WHERE kind = 'participant-left'").get() as { n: number }).n).to.equal(3);
      } finally {
        await after.close();
      }
    });
  }
});
