import { expect } from 'chai';
import { ADMIN_TOKEN, call, setupArea, startTestRegion, type Caller, type TestRegion } from '../helpers/region.js';
import { registered, soapCall, startTestNational, type TestNational } from '../helpers/national.js';
import { brpBehind } from '../helpers/brp-door.js';
import { eventually, nationalSettings } from '../helpers/federation.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { CHILD, personen, SIBLING } from '../brp/fixtures.js';

const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
const body = (bsn: string, birthDate: string) => ({ bsn, birthDate, municipality: '0344', legalGroundConfirmed: true });

describe('a family split over two regions', () => {
  let brp: FakeBrp;
  let nat: TestNational;
  let ra: TestRegion;
  let rb: TestRegion;
  /** The child signalled in region A, its sibling in region B, and region A's view of their family match once it has come. */
  async function familyMatchInA() {
    const a = await setupArea(ra.baseUrl);
    const b = await setupArea(rb.baseUrl);
    const child = (await call(ra.baseUrl, 'POST', '/api/v1/signals', { ...as(a.a), body: body(CHILD, '2012-05-14') })).body;
    await call(rb.baseUrl, 'POST', '/api/v1/signals', { ...as(b.b), body: body(SIBLING, '2014-09-01') });
    const match = await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body[0], 10_000, 'the family match in region A');
    return { a, child, match };
  }

  beforeEach(async () => {
    brp = await startFakeBrp({ personen: personen() });
    const brpConfig = { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } };
    nat = await startTestNational({ brp: { personenUrl: brp.personenUrl, apiKey: brp.apiKey, timeoutMs: 1000 } });
    ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, brp: brpConfig, ...nationalSettings(nat.url) });
    rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, brp: brpConfig, ...nationalSettings(nat.url) });
  });
  afterEach(async () => {
    await ra.close();
    await rb.close();
    await nat.close();
    await brp.close();
  });

  it('matches as a family through the national index, and both professionals are told with the family flag', async () => {
    const a = await setupArea(ra.baseUrl);
    const b = await setupArea(rb.baseUrl);
    expect((await call(ra.baseUrl, 'POST', '/api/v1/signals', { ...as(a.a), body: body(CHILD, '2012-05-14') })).status).to.equal(201);
    expect((await call(rb.baseUrl, 'POST', '/api/v1/signals', { ...as(b.b), body: body(SIBLING, '2014-09-01') })).status).to.equal(201);
    for (const [t, who, other] of [[ra, a.a, 'Bea Beta'], [rb, b.b, 'Anna Alfa']] as const) {
      const m = await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/matches', as(who))).body[0], 10_000, 'the family match');
      expect(m.kind).to.equal('family');
      expect(m.participants.find((p: any) => !p.own).professional).to.deep.include({ name: other });
      const [n] = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(who))).body;
      expect(n).to.include({ kind: 'match', family: true });
      expect(JSON.stringify([m, n])).not.to.contain(CHILD).and.not.to.contain(SIBLING);
    }
    // A reconcile takes the national index's snapshot of the match: still a family match, and nobody is told again.
    const r = await call(ra.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
    expect(r.body).to.include({ matches: 1, staleSnapshot: false });
    const [m] = (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body;
    expect(m).to.include({ kind: 'family', status: 'active' });
    expect((await call(ra.baseUrl, 'GET', '/api/v1/notices', as(a.a))).body).to.have.length(1);
  });

  it('keeps the family match of the two regions when region A brings its own families up to date (a BRP change of the child)', async () => {
    const { a, child } = await familyMatchInA();
    // What region A's processing of a BRP change does for the child (region/services/verification.ts): its links set again.
    // Region A alone holds no family match (one signal, one professional); the match of both regions is the national index's to end.
    const keys = ra.region.ctx.db.prepare('SELECT COUNT(*) FROM signal_family_keys WHERE signal_id = ?').pluck().get(child.id) as number;
    expect(keys).to.be.greaterThan(0);
    ra.region.family.setLinks(child.id, ['parent:unchanged']);
    const [m] = (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body;
    expect(m).to.include({ kind: 'family', status: 'active' });
    expect(m.participants.find((p: any) => !p.own).professional).to.deep.include({ name: 'Bea Beta' });
    expect((await call(ra.baseUrl, 'GET', '/api/v1/notices', as(a.a))).body).to.have.length(1);
  });

  it('tells the checker of every municipality of region A\'s youths in a family match across regions, with the family flag (7.1.3.2)', async () => {
    const a = await setupArea(ra.baseUrl);
    const b = await setupArea(rb.baseUrl);
    // One professional in region A on both children, in two municipalities: no match in region A alone.
    await call(ra.baseUrl, 'POST', '/api/v1/signals', { ...as(a.a), body: body(CHILD, '2012-05-14') });
    await call(ra.baseUrl, 'POST', '/api/v1/signals', { ...as(a.a), body: { ...body(SIBLING, '2014-09-01'), municipality: '0356' } });
    await call(rb.baseUrl, 'POST', '/api/v1/signals', { ...as(b.b), body: body(SIBLING, '2014-09-01') });
    const family = await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.find((m: { kind: string }) => m.kind === 'family'), 10_000, 'the family match in region A');
    for (const code of ['0344', '0356']) {
      const token = (await call(ra.baseUrl, 'POST', `/api/v1/admin/municipalities/${code}/checker-tokens`, { token: ADMIN_TOKEN })).body.token as string;
      const notices = (await call(ra.baseUrl, 'GET', '/api/v1/checker/notices', { token })).body as { kind: string; matchId: string; family?: boolean }[];
      expect(notices.find((n) => n.matchId === family.id), code).to.deep.include({ kind: 'match', family: true });
    }
  });

  it('ends the family match in region A at once when its only signal in it goes, and keeps no contact details of region B', async () => {
    const { a, child, match: m } = await familyMatchInA();
    const removed = await call(ra.baseUrl, 'POST', `/api/v1/signals/${child.id}/removal`, { ...as(a.a), body: { reason: 'risk-ended' } });
    expect(removed.status).to.equal(200);
    // At once, before the national index's feed says anything.
    const db = ra.region.ctx.db;
    expect(db.prepare('SELECT status FROM matches WHERE id = ?').pluck().get(m.id)).to.equal('ended');
    expect(db.prepare('SELECT COUNT(*) FROM remote_participants WHERE left_at IS NULL').pluck().get()).to.equal(0);
    expect(db.prepare("SELECT COUNT(*) FROM national_matches WHERE status = 'active'").pluck().get()).to.equal(0);
  });
});

describe('family links the national index could not look up at delivery', () => {
  it('are not waited for when the BRP refuses that one person, so that the lookups after it are not held up', async () => {
    const brp = await startFakeBrp({ personen: personen() });
    const door = await brpBehind(brp);
    door.rule = (_m, path, payload) => (path.endsWith('/personen') && payload.includes(CHILD) ? { status: 403, body: { title: 'Niet geautoriseerd voor deze persoon.', status: 403, code: 'unauthorized' } } : 'pass');
    const nat = await startTestNational({ brp: { personenUrl: `${door.url}${new URL(brp.personenUrl).pathname}`, apiKey: brp.apiKey, timeoutMs: 1000, retrySeconds: 1 } });
    try {
      await soapCall(nat.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', CHILD, 'pa'), registered('a2', SIBLING, 'pb')] });
      const db = nat.national.ctx.db;
      expect(db.prepare('SELECT COUNT(*) FROM family_lookups_pending').pluck().get()).to.equal(0);
    } finally {
      await nat.close();
      await door.close();
      await brp.close();
    }
  });

  it('are looked up again once the BRP answers, and both regions then hear of the family match', async () => {
    const brp = await startFakeBrp({ personen: personen() });
    brp.setMode('unavailable');
    const nat = await startTestNational({ brp: { personenUrl: brp.personenUrl, apiKey: brp.apiKey, timeoutMs: 1000, retrySeconds: 1 } });
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
    const pending = (): number => nat.national.ctx.db.prepare('SELECT COUNT(*) FROM family_lookups_pending').pluck().get() as number;
    try {
      const a = await setupArea(ra.baseUrl);
      const b = await setupArea(rb.baseUrl);
      expect((await call(ra.baseUrl, 'POST', '/api/v1/signals', { ...as(a.a), body: body(CHILD, '2012-05-14') })).status).to.equal(201);
      expect((await call(rb.baseUrl, 'POST', '/api/v1/signals', { ...as(b.b), body: body(SIBLING, '2014-09-01') })).status).to.equal(201);
      // Both signals reach the national index; their links wait for the BRP, and no family match is made yet.
      await eventually(() => pending() === 2, 10_000, 'both lookups pending');
      expect((await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body).to.deep.equal([]);

      brp.setMode('up');
      for (const [t, who, other] of [[ra, a.a, 'Bea Beta'], [rb, b.b, 'Anna Alfa']] as const) {
        const m = await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/matches', as(who))).body[0], 10_000, 'the family match');
        expect(m.kind).to.equal('family');
        expect(m.participants.find((p: any) => !p.own).professional).to.deep.include({ name: other });
      }
      expect(pending()).to.equal(0);
    } finally {
      await ra.close();
      await rb.close();
      await nat.close();
      await brp.close();
    }
  });
});
