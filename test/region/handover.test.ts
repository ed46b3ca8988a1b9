import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('institutions\' coordinators (7.1.3.3)', () => {
  let t: TestRegion;
  let area: TestArea;
  const admin = { token: ADMIN_TOKEN };
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string) => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
    expect(r.status).to.equal(201);
    return r.body;
  };
  const professionalsPath = () => `/api/v1/admin/institutions/${area.a.institutionId}/professionals`;

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('refuses to deauthorise a professional with active signals until they are handed over', async () => {
    await register(area.a, BSN[0]);
    const refused = await call(t.baseUrl, 'POST', `${professionalsPath()}/${area.a.professionalId}/deauthorisation`, admin);
    expect(refused.status).to.equal(409);
    expect(refused.body.error).to.deep.equal({
      code: 'ACTIVE_SIGNALS_PRESENT',
      message: 'this professional still has 1 active signal(s): hand them over to a colleague first (7.1.3.3)',
    });
    await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.a.institutionId}/handovers`, { ...admin, body: { from: area.a.professionalId, to: area.a2.professionalId } });
    const ok = await call(t.baseUrl, 'POST', `${professionalsPath()}/${area.a.professionalId}/deauthorisation`, admin);
    expect(ok.status).to.equal(200);
  });

  it('lets a coordinator hand a leaving colleague\'s signals over in one go: matches show the new contact and both are told', async () => {
    await call(t.baseUrl, 'POST', `${professionalsPath()}/${area.a2.professionalId}/coordinator`, { ...admin, body: { coordinator: true } });
    const s1 = await register(area.a, BSN[0]);
    await register(area.a, BSN[1]);
    const m = await register(area.b, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/matches/${m.matchId}/regievoerder`, { ...as(area.b), body: { professionalId: area.a.professionalId } });
    await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b));

    const r = await call(t.baseUrl, 'POST', '/api/v1/institution/handovers', { ...as(area.a2), body: { from: area.a.professionalId, to: area.a2.professionalId } });
    expect(r.status).to.equal(200);
    expect(r.body.signals).to.have.length(2);
    expect(r.body.matches).to.deep.equal([m.matchId]);

    const seenByB = (await call(t.baseUrl, 'GET', `/api/v1/matches/${m.matchId}`, as(area.b))).body;
    const names = seenByB.participants.map((p: any) => p.professional.name).sort();
    expect(names).to.deep.equal(['Adam Alfa', 'Bea Beta']);
    expect(seenByB.regievoerder.name).to.equal('Adam Alfa');
    expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${s1.id}`, as(area.a2))).status).to.equal(200);
    expect((await call(t.baseUrl, 'GET', `/api/v1/signals/${s1.id}`, as(area.a))).status).to.equal(404);
    for (const who of [area.a, area.a2]) {
      const [n] = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(who))).body;
      expect(n.kind).to.equal('handover');
      expect(n.signalIds).to.have.length(2);
    }
    const [changed] = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b))).body;
    expect(changed).to.include({ kind: 'participant-changed', matchId: m.matchId });
    expect(changed.professionals[0].name).to.equal('Adam Alfa');
  });

  it('refuses a hand-over by someone who is not a coordinator of that institution, or to another institution', async () => {
    await register(area.a, BSN[0]);
    const notCoordinator = await call(t.baseUrl, 'POST', '/api/v1/institution/handovers', { ...as(area.a2), body: { from: area.a.professionalId, to: area.a2.professionalId } });
    expect(notCoordinator.status).to.equal(403);
    expect(notCoordinator.body.error.code).to.equal('NOT_A_COORDINATOR');
    const elsewhere = await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.a.institutionId}/handovers`, { ...admin, body: { from: area.a.professionalId, to: area.b.professionalId } });
    expect(elsewhere.status).to.equal(404);
    expect(elsewhere.body.error.message).to.contain('same institution');
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.have.length(1);
  });

  it('ends a match when the colleague who takes over was the other professional in it', async () => {
    await register(area.a, BSN[0]);
    const m = await register(area.a2, BSN[0]);
    expect(m.matchId).to.be.a('string');
    await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.a.institutionId}/handovers`, { ...admin, body: { from: area.a.professionalId, to: area.a2.professionalId } });
    const seen = await call(t.baseUrl, 'GET', `/api/v1/matches/${m.matchId}`, as(area.a2));
    expect(seen.body.status).to.equal('ended');
    const ended = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.a2))).body.find((n: any) => n.kind === 'participant-left');
    expect(ended).to.include({ matchEnded: true });
  });
});
