import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { adres, CHILD, DECEASED, HOME, personen, SIBLING, UNKNOWN_TO_BRP } from '../brp/fixtures.js';

/** A youth of its own, at its own address, with its own parents. */
function stranger(bsn: string, parent: string, address: string, extra: Record<string, unknown> = {}) {
  return {
    burgerservicenummer: bsn,
    geboorte: { datum: { type: 'Datum', datum: '2011-04-04', langFormaat: '4 april 2011' } },
    ouders: [{ burgerservicenummer: parent, ouderAanduiding: '1' }],
    verblijfplaats: adres(address),
    gemeenteVanInschrijving: { code: '0344', omschrijving: 'Utrecht' },
    ...extra,
  };
}
const INSTITUTION = '0344010000777777';
const A1 = '111222333';
const A2 = '232262536';
const P1 = '100000009';
const P2 = '999999990';

describe('the population register: family matches, moves and deaths', () => {
  let brp: FakeBrp;
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = (who: Caller, bsn: string, birthDate = '2012-05-14') =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate, municipality: '0344', legalGroundConfirmed: true } });
  const matches = async (who: Caller) => (await call(t.baseUrl, 'GET', '/api/v1/matches', as(who))).body as any[];
  const notices = async (who: Caller) => (await call(t.baseUrl, 'GET', '/api/v1/notices', as(who))).body as any[];

  beforeEach(async () => {
    brp = await startFakeBrp({
      personen: [...personen(), stranger(A1, P1, '0344010000111111'), stranger(A2, P2, INSTITUTION)],
      today: () => '2026-03-02',
    });
    t = await startTestRegion({
      brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } },
      family: { institutionAddressIds: [INSTITUTION] },
    });
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => {
    await t.close();
    await brp.close();
  });

  it('makes one family match for signals on two siblings who share their parents and home, and shows nothing else about the other youth', async () => {
    expect((await register(area.a, CHILD)).status).to.equal(201);
    expect((await register(area.b, SIBLING, '2014-09-01')).status).to.equal(201);
    const [m] = await matches(area.a);
    expect(m.kind).to.equal('family');
    expect(m.participants.map((p: any) => p.professional.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
    expect(await matches(area.b)).to.have.length(1);
    const [n] = await notices(area.b);
    expect(n).to.include({ kind: 'match', family: true });
    expect(JSON.stringify([m, n])).not.to.contain(CHILD).and.not.to.contain(SIBLING).and.not.to.contain('Sanne');
  });

  it('keeps person and family matches apart: a third professional on the same child gets a person match, and the family match too', async () => {
    await register(area.a, CHILD);
    await register(area.b, SIBLING, '2014-09-01');
    await register(area.c, CHILD);
    const kinds = (await matches(area.c)).map((m) => m.kind).sort();
    expect(kinds).to.deep.equal(['family', 'person']);
  });

  it('makes a family match for youths who only share a residential address', async () => {
    await brp.close();
    brp = await startFakeBrp({ personen: [stranger(A1, P1, HOME), stranger(A2, P2, HOME)] });
    await t.close();
    t = await startTestRegion({ brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } } });
    area = await setupArea(t.baseUrl);
    await register(area.a, A1, '2011-04-04');
    await register(area.b, A2, '2011-04-04');
    expect((await matches(area.a)).map((m) => m.kind)).to.deep.equal(['family']);
  });

  it('tells the checker of a municipality whose youth joins an existing family match (7.1.3.2)', async () => {
    await brp.close();
    brp = await startFakeBrp({ personen: [stranger(A1, P1, '0344010000000001'), stranger(A2, P1, '0344010000000002'), stranger(BSN[2], P1, '0356010000000003')] });
    await t.close();
    t = await startTestRegion({ brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } } });
    area = await setupArea(t.baseUrl);
    await register(area.a, A1, '2011-04-04');
    await register(area.b, A2, '2011-04-04');
    const checkerOf = async (code: string) => {
      const token = (await call(t.baseUrl, 'POST', `/api/v1/admin/municipalities/${code}/checker-tokens`, { token: ADMIN_TOKEN })).body.token;
      return (await call(t.baseUrl, 'GET', '/api/v1/checker/notices', { token })).body as any[];
    };
    expect(await checkerOf('0356')).to.deep.equal([]);
    const third = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.c), body: { bsn: BSN[2], birthDate: '2011-04-04', municipality: '0356', legalGroundConfirmed: true } });
    expect(third.status).to.equal(201);
    const [m] = await matches(area.c);
    expect(m.kind).to.equal('family');
    const told = await checkerOf('0356');
    expect(told.map((n) => [n.kind, n.matchId, n.family])).to.deep.equal([['match', m.id, true]]);
  });

  it('makes no family match through an institution\'s address', async () => {
    await brp.close();
    brp = await startFakeBrp({ personen: [stranger(A1, P1, INSTITUTION), stranger(A2, P2, INSTITUTION)] });
    await t.close();
    t = await startTestRegion({
      brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } },
      family: { institutionAddressIds: [INSTITUTION] },
    });
    area = await setupArea(t.baseUrl);
    await register(area.a, A1, '2011-04-04');
    await register(area.b, A2, '2011-04-04');
    expect(await matches(area.a)).to.deep.equal([]);
  });

  const handOver = (from: Caller, to: Caller) =>
    call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${from.institutionId}/handovers`, { token: ADMIN_TOKEN, body: { from: from.professionalId, to: to.professionalId } });

  it('tells the others in a family match of the colleague who took a signal over (7.1.3.3)', async () => {
    await register(area.a2, CHILD);
    await register(area.b, SIBLING, '2014-09-01');
    await notices(area.b);
    expect((await handOver(area.a2, area.a)).status).to.equal(200);
    const [m] = await matches(area.b);
    expect(m).to.include({ kind: 'family', status: 'active' });
    expect(m.participants.map((p: any) => p.professional.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
    const [changed] = await notices(area.b);
    expect(changed).to.include({ kind: 'participant-changed', family: true });
  });

  it('ends a family match that a hand-over leaves with one professional on both youths', async () => {
    await register(area.a, CHILD);
    await register(area.a2, SIBLING, '2014-09-01');
    expect((await matches(area.a)).map((m) => [m.kind, m.status])).to.deep.equal([['family', 'active']]);
    expect((await handOver(area.a2, area.a)).status).to.equal(200);
    expect((await matches(area.a)).map((m) => [m.kind, m.status])).to.deep.equal([['family', 'ended']]);
  });

  it('ends the family match when one sibling\'s signal is removed', async () => {
    await register(area.a, CHILD);
    const s = (await register(area.b, SIBLING, '2014-09-01')).body;
    await notices(area.a);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(area.b), body: { reason: 'risk-ended' } });
    const [m] = await matches(area.a);
    expect(m.status).to.equal('ended');
    const [n] = await notices(area.a);
    expect(n).to.include({ kind: 'participant-left', family: true, matchEnded: true });
  });

  it('refuses a BSN the BRP does not know, and a youth who has died', async () => {
    const unknown = await register(area.a, UNKNOWN_TO_BRP);
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.code).to.equal('UNKNOWN_BSN');
    const dead = await register(area.a, DECEASED, '2008-02-29');
    expect(dead.body.error.code).to.equal('DECEASED');
  });

  it('asks the BRP nothing about a BSN sent without the legal ground or for a municipality outside the area, and answers as without a BRP', async () => {
    const asked = () => brp.exchanges.filter((e) => e.path.includes('/personen')).length;
    const before = asked();
    const withoutGround = await call(t.baseUrl, 'POST', '/api/v1/signals', {
      ...as(area.a), body: { bsn: DECEASED, birthDate: '2008-02-29', municipality: '0344', legalGroundConfirmed: false },
    });
    expect(withoutGround.status).to.equal(400);
    expect(withoutGround.body.error.code).to.equal('LEGAL_GROUND_NOT_CONFIRMED');
    const elsewhere = await call(t.baseUrl, 'POST', '/api/v1/signals', {
      ...as(area.a), body: { bsn: UNKNOWN_TO_BRP, birthDate: '2012-05-14', municipality: '9999', legalGroundConfirmed: true },
    });
    expect(elsewhere.status).to.equal(422);
    expect(elsewhere.body.error.code).to.equal('UNKNOWN_MUNICIPALITY');
    expect(asked()).to.equal(before);
    const refused = t.region.ctx.db
      .prepare("SELECT outcome FROM audit_log WHERE action = 'signal.register' ORDER BY seq DESC LIMIT 2").pluck().all();
    expect(refused).to.deep.equal(['rejected:UNKNOWN_MUNICIPALITY', 'rejected:LEGAL_GROUND_NOT_CONFIRMED']);
  });

  it('registers while the BRP is down, marked unverified, and verifies it once the BRP answers again', async () => {
    brp.setMode('unavailable');
    const r = await register(area.a, CHILD, '2012-01-01');
    expect(r.status).to.equal(201);
    expect(r.body.verified).to.equal(false);
    await register(area.b, SIBLING, '2014-09-01');
    expect(await matches(area.a)).to.deep.equal([]);
    expect((await t.region.scheduler.runBrp()).verified).to.deep.include({ verified: 0, stillUnverified: 1 });
    brp.setMode('up');
    expect((await t.region.scheduler.runBrp()).verified).to.deep.include({ verified: 2 });
    const s = (await call(t.baseUrl, 'GET', `/api/v1/signals/${r.body.id}`, as(area.a))).body;
    expect(s.verified).to.equal(true);
    expect(s.removalDate).to.equal('2028-03-02');
    expect((await matches(area.a)).map((m) => m.kind)).to.deep.equal(['family']);
    expect([...brp.volgindicaties().keys()].sort()).to.deep.equal([CHILD, SIBLING].sort());
  });

  it('tells the professionals and the new municipality\'s checker when a youth moves', async () => {
    const s = (await register(area.a, CHILD)).body;
    await t.region.scheduler.runBrp();
    const moved = personen().find((p) => p.burgerservicenummer === CHILD)!;
    brp.put({ ...moved, verblijfplaats: adres('0356010000654321'), gemeenteVanInschrijving: { code: '0356', omschrijving: 'Nieuwegein' } }, '2026-03-02');
    expect((await t.region.scheduler.runBrp()).changes).to.deep.include({ moves: 1 });
    const [n] = await notices(area.a);
    expect(n).to.include({ kind: 'move', municipality: '0356', inArea: true, signalId: s.id });
    const token = (await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities/0356/checker-tokens', { token: ADMIN_TOKEN })).body.token;
    const checker = (await call(t.baseUrl, 'GET', '/api/v1/checker/notices', { token })).body;
    expect(checker[0]).to.include({ kind: 'move', municipality: '0356' });
    expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${s.id}`, as(area.a))).body.municipality).to.equal('0356');
  });

  it('tells the professionals when a youth moves out of the covenant area', async () => {
    await register(area.a, CHILD);
    const moved = personen().find((p) => p.burgerservicenummer === CHILD)!;
    brp.put({ ...moved, gemeenteVanInschrijving: { code: '0363', omschrijving: 'Amsterdam' } }, '2026-03-02');
    await t.region.scheduler.runBrp();
    const [n] = await notices(area.a);
    expect(n).to.include({ kind: 'move', municipality: '0363', inArea: false });
  });

  it('removes the signals of a youth who died, without archive, and the match follows; then stops following', async () => {
    const a = (await register(area.a, CHILD)).body;
    await register(area.b, CHILD);
    const child = personen().find((p) => p.burgerservicenummer === CHILD)!;
    brp.put({ ...child, overlijden: { datum: { type: 'Datum', datum: '2026-03-01', langFormaat: '1 maart 2026' } } }, '2026-03-02');
    expect((await t.region.scheduler.runBrp()).changes).to.deep.include({ deaths: 2, unfollowed: 1 });
    expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${a.id}`, as(area.a))).body).to.include({ status: 'removed', removalReason: 'death' });
    expect(brp.volgindicaties().has(CHILD)).to.equal(false);
  });

  it('destroys the archived signals of a youth who died (7.1.4.6), so the inspection report is empty, and stops following the youth', async () => {
    const s = (await register(area.a, CHILD)).body;
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    const child = personen().find((p) => p.burgerservicenummer === CHILD)!;
    brp.put({ ...child, overlijden: { datum: { type: 'Datum', datum: '2026-03-01', langFormaat: '1 maart 2026' } } }, '2026-03-02');
    expect((await t.region.scheduler.runBrp()).changes).to.deep.include({ deaths: 0, archiveDestroyed: 1, unfollowed: 1 });
    const row = t.region.ctx.db.prepare('SELECT status, youth_key, bsn_sealed FROM signals WHERE id = ?').get(s.id);
    expect(row).to.deep.equal({ status: 'removed', youth_key: null, bsn_sealed: null });
    const report = await call(t.baseUrl, 'POST', '/api/v1/admin/inspection-reports', { token: ADMIN_TOKEN, body: { bsn: CHILD } });
    expect(report.body.signals).to.deep.equal([]);
    expect(brp.volgindicaties().has(CHILD)).to.equal(false);
  });
});
