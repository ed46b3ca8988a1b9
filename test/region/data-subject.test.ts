import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('data-subject requests (7.1.5.2)', () => {
  let t: TestRegion;
  let area: TestArea;
  const admin = { token: ADMIN_TOKEN };
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string) => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
    expect(r.status).to.equal(201);
    return r.body;
  };

  /** C's signal on the youth archived (risk ended), then A and B signal the youth: a match, and a history notice to A and to B. */
  const archivedThenMatched = async () => {
    const old = await register(area.c, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${old.id}/removal`, { ...as(area.c), body: { reason: 'risk-ended' } });
    return { old, a: await register(area.a, BSN[0]), b: await register(area.b, BSN[0]) };
  };

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('produces the inspection report: which institutions hold signals, since when, until when, and who accessed them', async () => {
    const old = await register(area.c, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${old.id}/removal`, { ...as(area.c), body: { reason: 'risk-ended' } });
    t.clock.advanceDays(10);
    const a = await register(area.a, BSN[0]);
    const b = await register(area.b, BSN[0]);
    await register(area.a, BSN[1]);
    await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.a));
    await call(t.baseUrl, 'GET', `/api/v1/signals/${a.id}`, as(area.a));
    // List reads: the lists that returned one of the youth's signals or matches count as access; others do not.
    await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a));
    await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.c));

    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { ...admin, body: { bsn: BSN[0] } });
    expect(r.status).to.equal(200);
    const rows = r.body.signals.map((s: any) => [s.institution.name, s.status, s.registeredAt.slice(0, 10), s.until]);
    expect(rows).to.deep.equal([
      ['Leerplicht Utrecht', 'archived', '2026-03-02', '2031-03-02'],
      ['Buurtteam Utrecht', 'active', '2026-03-12', '2028-03-12'],
      ['GGD Utrecht', 'active', '2026-03-12', '2028-03-12'],
    ]);
    const access = r.body.access.map((x: any) => [x.by.name ?? x.by.kind, x.action]);
    expect(access).to.deep.include.members([
      ['Anna Alfa', 'signal.register'],
      ['Bea Beta', 'signal.register'],
      ['Anna Alfa', 'match.read'],
      ['Anna Alfa', 'signal.read'],
      ['Anna Alfa', 'signal.list'],
      ['Bea Beta', 'match.list'],
      ['Bea Beta', 'notice.list'],
    ]);
    expect(access.filter(([, action]: string[]) => action.endsWith('.list'))).to.have.length(3);
    expect(JSON.stringify(r.body)).not.to.contain(BSN[1]);
    const audited = t.region.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'data-subject.inspection'").get() as { n: number };
    expect(audited.n).to.equal(1);
  });

  it('removes every signal of the youth without archive after an objection, and every match follows', async () => {
    const { a, b } = await archivedThenMatched();
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { bsn: BSN[0], reason: 'objection' } });
    expect(r.body).to.deep.equal({ removedActive: 2, destroyedArchived: 1, reason: 'objection' });
    expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${a.id}`, as(area.a))).body).to.include({ status: 'removed', removalReason: 'objection' });
    expect((t.region.ctx.db.prepare('SELECT status FROM matches WHERE id = ?').get(b.matchId) as { status: string }).status).to.equal('ended');
    expect((await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.b))).status).to.equal(404);
    const report = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { ...admin, body: { bsn: BSN[0] } });
    expect(report.body.signals).to.deep.equal([]);
    const left = t.region.ctx.db.prepare('SELECT COUNT(*) AS n FROM signals WHERE bsn_sealed IS NOT NULL').get() as { n: number };
    expect(left.n).to.equal(0);
  });

  it('takes back the history notice the destroyed archive gave: after an objection no notice names its professional or dates', async () => {
    const { old } = await archivedThenMatched();
    const historyOfA = async () => (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.a))).body.filter((n: { kind: string }) => n.kind === 'history');
    const before = await historyOfA();
    expect(before).to.have.length(1);
    expect(before[0].archivedSignal).to.have.property('registeredAt', old.registeredAt);
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { bsn: BSN[0], reason: 'objection' } });
    expect(r.body).to.include({ destroyedArchived: 1 });
    expect(await historyOfA()).to.deep.equal([]);
    expect(t.region.ctx.db.prepare('SELECT COUNT(*) FROM notices WHERE payload LIKE ?').pluck().get(`%${old.id}%`)).to.equal(0);
  });

  it('keeps the row of a withdrawn history notice, so that the next notice is mailed (the mail queue reads notices by their row number)', async () => {
    const old = await register(area.c, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${old.id}/removal`, { ...as(area.c), body: { reason: 'risk-ended' } });
    await register(area.a, BSN[0]); // a history notice to A: the newest row
    expect(t.region.mailQueue.enqueueNewNotices()).to.equal(1);
    await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { bsn: BSN[0], reason: 'objection' } });
    await register(area.b, BSN[1]);
    await register(area.c, BSN[1]); // a match: notices to B, C and the checker
    expect(t.region.mailQueue.enqueueNewNotices()).to.equal(3);
  });

  it('removes every signal of a youth who died, without archive, when the region has no link to the BRP to report it (7.1.4.5, 7.1.4.6)', async () => {
    const { a, b } = await archivedThenMatched();
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { bsn: BSN[0], reason: 'death' } });
    expect(r.body).to.deep.equal({ removedActive: 2, destroyedArchived: 1, reason: 'death' });
    for (const [who, s] of [[area.a, a], [area.b, b]] as const) {
      expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${s.id}`, as(who))).body).to.include({ status: 'removed', removalReason: 'death' });
    }
    expect((t.region.ctx.db.prepare('SELECT status FROM matches WHERE id = ?').get(b.matchId) as { status: string }).status).to.equal('ended');
    expect(t.region.ctx.db.prepare("SELECT COUNT(*) FROM signals WHERE status <> 'removed' OR bsn_sealed IS NOT NULL").pluck().get()).to.equal(0);
    const bad = await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { bsn: BSN[0], reason: 'moved' } });
    expect(bad.body.error.message).to.equal('reason: must be objection, correction or death (the youth died, in a region without a link to the BRP)');
  });

  it('finds, reports and removes the signals of a youth registered without a BSN, named as at registration', async () => {
    const withoutBsn = { withoutBsn: { familyName: 'de Vries', sex: 'V' }, birthDate: '2012-05-04' };
    for (const who of [area.a, area.b]) {
      const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { ...withoutBsn, municipality: '0344', legalGroundConfirmed: true } });
      expect(r.status).to.equal(201);
    }
    const report = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { ...admin, body: { withoutBsn: { familyName: 'De Vries', sex: 'V' }, birthDate: '2012-05-04' } });
    expect(report.status).to.equal(200);
    expect(report.body.signals.map((s: any) => s.professional.name)).to.deep.equal(['Anna Alfa', 'Bea Beta']);
    const removal = await call(t.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { ...admin, body: { ...withoutBsn, reason: 'correction' } });
    expect(removal.body).to.deep.equal({ removedActive: 2, destroyedArchived: 0, reason: 'correction' });
    const missingDate = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { ...admin, body: { withoutBsn: withoutBsn.withoutBsn } });
    expect(missingDate.body.error).to.deep.equal({ code: 'VALIDATION_ERROR', message: 'birthDate: is required with withoutBsn' });
  });

  it('refuses an invalid BSN with INVALID_BSN', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { ...admin, body: { bsn: '123456789' } });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('INVALID_BSN');
  });
});
