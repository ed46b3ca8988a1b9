import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('matching on one youth (7.1.2.3, 7.1.4.3)', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string, municipality = '0344') => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2010-07-01', municipality, legalGroundConfirmed: true } });
    expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
    return r.body;
  };
  const remove = (who: Caller, id: string, reason: string) => call(t.baseUrl, 'POST', `/api/v1/signals/${id}/removal`, { ...as(who), body: { reason } });
  const notices = async (who: Caller) => (await call(t.baseUrl, 'GET', '/api/v1/notices', as(who))).body as any[];
  const checkerNotices = async (code: string) =>
    (await call(t.baseUrl, 'GET', `/api/v1/admin/municipalities/${code}/notices`, { token: ADMIN_TOKEN })).body as any[];

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('makes no match from one professional alone, nor from the same professional twice', async () => {
    const s = await register(area.a, BSN[0]);
    const again = await register(area.a, BSN[0]);
    expect(s.matchId).to.equal(null);
    expect(again.matchId).to.equal(null);
    expect((await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.a))).body).to.deep.equal([]);
  });

  it('makes a match when a second professional signals the same youth, and tells both who the other is', async () => {
    await register(area.a, BSN[0]);
    const second = await register(area.b, BSN[0]);
    expect(second.matchId).to.be.a('string');

    const seenByA = await call(t.baseUrl, 'GET', `/api/v1/matches/${second.matchId}`, as(area.a));
    expect(seenByA.status).to.equal(200);
    expect(seenByA.body).to.include({ id: second.matchId, kind: 'person', status: 'active' });
    expect(seenByA.body.participants).to.have.length(2);
    const other = seenByA.body.participants.find((p: any) => !p.own);
    expect(other.professional).to.deep.include({ name: 'Bea Beta', function: 'Jeugdconsulent', email: 'bea.beta@example.org', phone: '06-12345678' });
    expect(other.professional.institution.name).to.equal('GGD Utrecht');
    expect(JSON.stringify(seenByA.body)).not.to.contain(BSN[0]);

    const [na] = await notices(area.a);
    const [nb] = await notices(area.b);
    expect(na).to.include({ kind: 'match', matchId: second.matchId, family: false, read: false });
    expect(na.professionals.map((p: any) => p.name)).to.deep.equal(['Bea Beta']);
    expect(nb.professionals.map((p: any) => p.name)).to.deep.equal(['Anna Alfa']);
    const [reread] = await notices(area.a);
    expect(reread.read).to.equal(true);
  });

  it('tells the municipality\'s checker that a match exists, without the BSN', async () => {
    await register(area.a, BSN[0]);
    const s = await register(area.b, BSN[0]);
    const [n] = await checkerNotices('0344');
    expect(n).to.include({ kind: 'match', matchId: s.matchId, municipality: '0344', participantCount: 2 });
    expect(JSON.stringify(n)).not.to.contain(BSN[0]);
    expect(await checkerNotices('0356')).to.deep.equal([]);
  });

  it('tells a third professional about everyone already there, and each of them about the newcomer', async () => {
    await register(area.a, BSN[0]);
    await register(area.b, BSN[0]);
    await notices(area.a);
    await notices(area.b);
    const third = await register(area.c, BSN[0]);
    const [nc] = await notices(area.c);
    expect(nc.kind).to.equal('match');
    expect(nc.professionals.map((p: any) => p.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
    for (const who of [area.a, area.b]) {
      const unread = (await notices(who)).filter((n) => !n.read);
      expect(unread).to.have.length(1);
      expect(unread[0]).to.include({ kind: 'participant-joined', matchId: third.matchId });
      expect(unread[0].professionals.map((p: any) => p.name)).to.deep.equal(['Cas Gamma']);
    }
    const m = await call(t.baseUrl, 'GET', `/api/v1/matches/${third.matchId}`, as(area.c));
    expect(m.body.participants).to.have.length(3);
  });

  it('ends a match that drops below two professionals and tells the one left', async () => {
    const sa = await register(area.a, BSN[0]);
    const sb = await register(area.b, BSN[0]);
    await register(area.c, BSN[0]);
    await notices(area.a);
    await notices(area.c);
    await remove(area.b, sb.id, 'risk-ended');
    const left = (await notices(area.a)).filter((n) => !n.read);
    expect(left).to.have.length(1);
    expect(left[0]).to.include({ kind: 'participant-left', matchEnded: false });
    expect(left[0].professionals[0].name).to.equal('Bea Beta');

    await remove(area.a, sa.id, 'unjustified');
    const ended = (await notices(area.c)).filter((n) => !n.read);
    expect(ended.map((n) => [n.kind, n.matchEnded])).to.deep.equal([
      ['participant-left', true],
      ['participant-left', false],
    ]);
    const m = await call(t.baseUrl, 'GET', `/api/v1/matches/${sb.matchId}`, as(area.c));
    expect(m.body.status).to.equal('ended');
  });

  it('never shows a match to a professional who is not in it', async () => {
    await register(area.a, BSN[0]);
    const s = await register(area.b, BSN[0]);
    const outsider = await call(t.baseUrl, 'GET', `/api/v1/matches/${s.matchId}`, as(area.c));
    expect(outsider.status).to.equal(404);
    const colleague = await call(t.baseUrl, 'GET', `/api/v1/matches/${s.matchId}`, as(area.a2));
    expect(colleague.status).to.equal(404);
    expect((await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.c))).body).to.deep.equal([]);
  });

  it('gives a one-time history notice for an archived signal to the next professional who signals the youth (7.1.4.6)', async () => {
    const old = await register(area.a, BSN[0]);
    await remove(area.a, old.id, 'risk-ended');
    await register(area.b, BSN[0]);
    const hb = (await notices(area.b)).filter((n) => n.kind === 'history');
    expect(hb).to.have.length(1);
    expect(hb[0].professionals[0].name).to.equal('Anna Alfa');
    expect(hb[0].archivedSignal.registeredAt).to.equal(old.registeredAt);
    await register(area.c, BSN[0]);
    expect((await notices(area.c)).filter((n) => n.kind === 'history')).to.have.length(0);
  });

  it('gives no history notice for a signal that was removed without archive', async () => {
    const old = await register(area.a, BSN[0]);
    await remove(area.a, old.id, 'objection');
    await register(area.b, BSN[0]);
    expect(await notices(area.b)).to.deep.equal([]);
  });

  it('names no professional in notices any more once their signal on the youth was erased as unjustified (7.1.4.6)', async () => {
    await register(area.a, BSN[0]);
    const b = await register(area.b, BSN[0]);
    expect((await notices(area.a)).flatMap((n) => n.professionals.map((p: any) => p.name))).to.deep.equal(['Bea Beta']);
    await remove(area.b, b.id, 'unjustified');
    const after = await notices(area.a);
    expect(after.map((n) => n.kind)).to.deep.equal(['participant-left', 'match']);
    expect(after.flatMap((n) => n.professionals.map((p: any) => p.name))).to.deep.equal([]);
  });

  it('does not match signals on different youths', async () => {
    await register(area.a, BSN[0]);
    const s = await register(area.b, BSN[1]);
    expect(s.matchId).to.equal(null);
  });
});

describe('who may read a match', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller) =>
    (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn: BSN[0], birthDate: '2010-07-01', municipality: '0344', legalGroundConfirmed: true } })).body;

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('no longer shows an active match to a professional who left it, nor who joined after them', async () => {
    await register(area.a);
    const b = await register(area.b);
    await register(area.c);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${b.id}/removal`, { ...as(area.b), body: { reason: 'risk-ended' } });
    expect((await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.b))).status).to.equal(404);
    expect((await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.b))).body).to.deep.equal([]);
  });

  it('still shows an ended match to those who were in it when it ended, without a professional whose signal was erased as unjustified', async () => {
    const a = await register(area.a);
    const b = await register(area.b);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${a.id}/removal`, { ...as(area.a), body: { reason: 'unjustified' } });
    const ended = (await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.b))).body;
    expect(ended.status).to.equal('ended');
    expect(ended.participants.map((p: any) => p.professional.name)).to.deep.equal(['Bea Beta']);
    expect((await call(t.baseUrl, 'GET', `/api/v1/matches/${b.matchId}`, as(area.a))).status).to.equal(404);
  });

  it('lets the covenant administrator look at a checker\'s notices without marking them read for the checker', async () => {
    await register(area.a);
    await register(area.b);
    await call(t.baseUrl, 'GET', '/api/v1/admin/municipalities/0344/notices', { token: ADMIN_TOKEN });
    const token = (await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities/0344/checker-tokens', { token: ADMIN_TOKEN })).body.token;
    const [n] = (await call(t.baseUrl, 'GET', '/api/v1/checker/notices', { token })).body;
    expect(n.read).to.equal(false);
  });
});
