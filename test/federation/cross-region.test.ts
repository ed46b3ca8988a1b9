import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { startTestNational, type TestNational } from '../helpers/national.js';
import { eventually, nationalSettings, registerSignal } from '../helpers/federation.js';

describe('federation through the national index (in one process)', () => {
  let nat: TestNational;
  let ra: TestRegion;
  let rb: TestRegion;
  let a: TestArea;
  let b: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });

  beforeEach(async () => {
    nat = await startTestNational();
    ra = await startTestRegion({ region: { id: 'regio-a', name: 'Regio A' }, ...nationalSettings(nat.url) });
    rb = await startTestRegion({ region: { id: 'regio-b', name: 'Regio B' }, ...nationalSettings(nat.url) });
    a = await setupArea(ra.baseUrl);
    b = await setupArea(rb.baseUrl);
  });
  afterEach(async () => {
    await ra.close();
    await rb.close();
    await nat.close();
  });

  it('gives both professionals the match with each other\'s contact details when a youth signalled in region A is signalled in region B', async () => {
    await registerSignal(ra, a.a, BSN[0]);
    await registerSignal(rb, b.b, BSN[0]);
    const seenByA = await eventually(async () => {
      const r = await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a));
      return r.body.length === 1 && r.body[0];
    }, 10_000, 'the match in region A');
    const other = seenByA.participants.find((p: any) => !p.own);
    expect(other.professional).to.deep.include({ name: 'Bea Beta', email: 'bea.beta@example.org', region: 'regio-b' });
    const seenByB = await eventually(async () => {
      const r = await call(rb.baseUrl, 'GET', '/api/v1/matches', as(b.b));
      return r.body.length === 1 && r.body[0];
    }, 10_000, 'the match in region B');
    expect(seenByB.participants.find((p: any) => !p.own).professional).to.deep.include({ name: 'Anna Alfa', region: 'regio-a' });
    const notices = (await call(ra.baseUrl, 'GET', '/api/v1/notices', as(a.a))).body;
    expect(notices.filter((n: any) => n.kind === 'match')).to.have.length(1);
    expect(notices[0].professionals[0].name).to.equal('Bea Beta');
    const status = await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN });
    expect(status.body).to.include({ enabled: true, backlog: 0, deadLetters: 0 });
    expect(status.body.cursor).to.be.greaterThan(0);
  });

  it('shows the other region the colleague who took over a signal in a cross-region match (hand-over, 7.1.3.3), and tells its professional', async () => {
    const signal = await registerSignal(ra, a.a, BSN[3]);
    await registerSignal(rb, b.b, BSN[3]);
    const otherInB = async () => (await call(rb.baseUrl, 'GET', '/api/v1/matches', as(b.b))).body[0]?.participants.find((p: any) => !p.own)?.professional;
    await eventually(async () => (await otherInB())?.name === 'Anna Alfa', 10_000, 'the match in region B');
    // Extended 100 days later to the legal maximum from then: past two years from its registration.
    ra.clock.advanceDays(100);
    const extended = await call(ra.baseUrl, 'POST', `/api/v1/signals/${signal.id}/extension`, { ...as(a.a), body: {} });
    expect(extended.status, JSON.stringify(extended.body)).to.equal(200);
    expect(extended.body.removalDate > '2028-03-02').to.equal(true);

    const handover = await call(ra.baseUrl, 'POST', `/api/v1/admin/institutions/${a.a.institutionId}/handovers`, { token: ADMIN_TOKEN, body: { from: a.a.professionalId, to: a.a2.professionalId } });
    expect(handover.status, JSON.stringify(handover.body)).to.equal(200);
    const now = await eventually(async () => {
      const p = await otherInB();
      return p?.name === 'Adam Alfa' && p;
    }, 10_000, 'the new contact in region B');
    expect(now).to.deep.include({ region: 'regio-a' });
    const matches = (await call(rb.baseUrl, 'GET', '/api/v1/matches', as(b.b))).body;
    expect(matches).to.have.length(1);
    expect(matches[0].participants.filter((p: any) => !p.own)).to.have.length(1);
    const changed = (await call(rb.baseUrl, 'GET', '/api/v1/notices', as(b.b))).body.filter((n: any) => n.kind === 'participant-changed');
    expect(changed).to.have.length(1);
    expect(changed[0].professionals.map((p: any) => p.name)).to.deep.equal(['Adam Alfa']);
    const held = nat.national.ctx.db.prepare("SELECT professional, removal_date FROM signals WHERE region_id = 'regio-a'").all() as { professional: string; removal_date: string }[];
    expect(held.map((r) => [JSON.parse(r.professional).name, r.removal_date])).to.deep.equal([['Adam Alfa', extended.body.removalDate]]);
    expect((await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.deadLetters).to.equal(0);
  });

  it('tells nobody twice when the national index reports a match the region already found', async () => {
    await registerSignal(ra, a.a, BSN[1]);
    await registerSignal(ra, a.b, BSN[1]);
    await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.cursor >= 1 || undefined, 10_000, 'the national match event');
    for (const who of [a.a, a.b]) {
      const notices = (await call(ra.baseUrl, 'GET', '/api/v1/notices', as(who))).body;
      expect(notices.map((n: any) => n.kind)).to.deep.equal(['match']);
    }
  });

  it('tells the one left when the professional of the other region removes their signal', async () => {
    await registerSignal(ra, a.a, BSN[2]);
    const sb = await registerSignal(rb, b.b, BSN[2]);
    await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.length === 1, 10_000, 'the match');
    await call(rb.baseUrl, 'POST', `/api/v1/signals/${sb.id}/removal`, { ...as(b.b), body: { reason: 'risk-ended' } });
    const ended = await eventually(async () => {
      const n = (await call(ra.baseUrl, 'GET', '/api/v1/notices', as(a.a))).body;
      return n.find((x: any) => x.kind === 'participant-left');
    }, 10_000, 'the participant-left notice');
    expect(ended.matchEnded).to.equal(true);
    expect(ended.professionals[0].name).to.equal('Bea Beta');
  });

  it('destroys the archived signal at the national index too when a data subject\'s objection is granted after the archive began (7.1.4.6)', async () => {
    const s = await registerSignal(ra, a.a, BSN[3]);
    await call(ra.baseUrl, 'POST', `/api/v1/signals/${s.id}/removal`, { ...as(a.a), body: { reason: 'risk-ended' } });
    const national = () =>
      nat.national.ctx.db.prepare<[string], { status: string; has_bsn: number; has_professional: number }>(
        'SELECT status, bsn_sealed IS NOT NULL AS has_bsn, professional IS NOT NULL AS has_professional FROM signals WHERE signal_id = ?',
      ).get(s.id);
    await eventually(() => national()?.status === 'archived', 10_000, 'the national archive');
    const granted = await call(ra.baseUrl, 'POST', '/api/v1/admin/data-subject-removals', { token: ADMIN_TOKEN, body: { bsn: BSN[3], reason: 'objection' } });
    expect(granted.body).to.include({ destroyedArchived: 1 });
    const destroyed = await eventually(() => (national()?.status === 'removed' ? national() : undefined), 10_000, 'the national destruction');
    expect(destroyed).to.deep.equal({ status: 'removed', has_bsn: 0, has_professional: 0 });
  });
  it('ends the match in the region whose only signal in it goes, while it goes on between the professionals of the other region, and keeps no contact details of theirs', async () => {
    const own = await registerSignal(ra, a.a, BSN[4]);
    await registerSignal(rb, b.b, BSN[4]);
    await registerSignal(rb, b.c, BSN[4]);
    const matchOfA = async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body[0];
    const match = await eventually(async () => ((await matchOfA())?.participants.length === 3 ? await matchOfA() : undefined), 10_000, 'both of region B in the match in region A');
    const matchOfB = async () => (await call(rb.baseUrl, 'GET', '/api/v1/matches', as(b.b))).body[0];
    await eventually(async () => (await matchOfB())?.participants.length === 3 || undefined, 10_000, 'region A in the match in region B');
    const removed = await call(ra.baseUrl, 'POST', `/api/v1/signals/${own.id}/removal`, { ...as(a.a), body: { reason: 'risk-ended' } });
    expect(removed.status).to.equal(200);
    // Region A: its match ended at once, and region B's professionals left it with it.
    expect(ra.region.ctx.db.prepare('SELECT status FROM matches WHERE id = ?').pluck().get(match.id)).to.equal('ended');
    const db = ra.region.ctx.db;
    expect(db.prepare('SELECT COUNT(*) FROM remote_participants WHERE left_at IS NULL').pluck().get()).to.equal(0);
    expect(db.prepare("SELECT COUNT(*) FROM national_matches WHERE status = 'active'").pluck().get()).to.equal(0);
    // Region B: the match goes on between its two professionals, without region A's.
    await eventually(async () => {
      const m = await matchOfB();
      return (m?.status === 'active' && m.participants.length === 2) || undefined;
    }, 10_000, 'region A gone from the match in region B');
    // Signalled again in region A: the national index brings region B's professionals back, in a new match.
    await registerSignal(ra, a.a2, BSN[4]);
    const again = await eventually(async () => {
      const m = (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a2))).body[0];
      return (m?.status === 'active' && m.participants.length === 3 && m) || undefined;
    }, 10_000, 'the match again in region A');
    expect(again.id).not.to.equal(match.id);
  });
});
