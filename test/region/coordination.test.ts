import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('coordination after a match', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string = BSN[0], municipality = '0344') => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2012-05-04', municipality, legalGroundConfirmed: true } });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body;
  };
  const match = async (who: Caller, id: string) => (await call(t.baseUrl, 'GET', `/api/v1/matches/${id}`, as(who))).body;
  const checkerToken = async (code: string) => (await call(t.baseUrl, 'POST', `/api/v1/admin/municipalities/${code}/checker-tokens`, { token: ADMIN_TOKEN })).body.token as string;

  describe('without decision rules', () => {
    beforeEach(async () => {
      t = await startTestRegion();
      area = await setupArea(t.baseUrl);
    });
    afterEach(async () => t.close());

    it('lets a participant propose a regievoerder, and every participant sees who it is', async () => {
      await register(area.a);
      const s = await register(area.b);
      expect((await match(area.a, s.matchId)).regievoerder).to.equal(null);
      const r = await call(t.baseUrl, 'POST', `/api/v1/matches/${s.matchId}/regievoerder`, { ...as(area.a), body: { professionalId: area.b.professionalId } });
      expect(r.status).to.equal(200);
      const seen = await match(area.b, s.matchId);
      expect(seen.regievoerder.name).to.equal('Bea Beta');
      expect(seen.participants.find((p: any) => p.own).regievoerder).to.equal(true);
      const notices = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b))).body;
      expect(notices[0]).to.include({ kind: 'regievoerder' });
      const outsider = await call(t.baseUrl, 'POST', `/api/v1/matches/${s.matchId}/regievoerder`, { ...as(area.a), body: { professionalId: area.c.professionalId } });
      expect(outsider.status).to.equal(422);
      expect(outsider.body.error.code).to.equal('NOT_A_PARTICIPANT');
      const notIn = await call(t.baseUrl, 'POST', `/api/v1/matches/${s.matchId}/regievoerder`, { ...as(area.c), body: { professionalId: area.c.professionalId } });
      expect(notIn.status).to.equal(404);
    });

    it('is coordinated once every participant recorded contact, and participants see each other\'s status', async () => {
      await register(area.a);
      const s = await register(area.b);
      const first = await call(t.baseUrl, 'POST', `/api/v1/matches/${s.matchId}/contact`, as(area.a));
      expect(first.body.coordinated).to.equal(false);
      const seenByB = await match(area.b, s.matchId);
      expect(seenByB.participants.find((p: any) => !p.own).contactMadeAt).to.be.a('string');
      expect(seenByB.participants.find((p: any) => p.own).contactMadeAt).to.equal(null);
      const second = await call(t.baseUrl, 'POST', `/api/v1/matches/${s.matchId}/contact`, as(area.b));
      expect(second.body.coordinated).to.equal(true);
      await register(area.c);
      expect((await match(area.c, s.matchId)).coordinated).to.equal(false);
    });

    it('shows the checker the matches of their municipality not coordinated after N days, without BSNs', async () => {
      await register(area.a);
      const late = await register(area.b);
      await register(area.a, BSN[1], '0356');
      await register(area.b, BSN[1], '0356');
      await register(area.a, BSN[2]);
      const done = await register(area.c, BSN[2]);
      await call(t.baseUrl, 'POST', `/api/v1/matches/${done.matchId}/contact`, as(area.a));
      await call(t.baseUrl, 'POST', `/api/v1/matches/${done.matchId}/contact`, as(area.c));
      const token = await checkerToken('0344');
      const early = await call(t.baseUrl, 'GET', '/api/v1/checker/matches/overdue', { token });
      expect(early.body).to.deep.equal([]);
      t.clock.advanceDays(29);
      const overdue = await call(t.baseUrl, 'GET', '/api/v1/checker/matches/overdue', { token });
      expect(overdue.body.map((m: any) => m.id)).to.deep.equal([late.matchId]);
      expect(overdue.body[0].daysOpen).to.equal(29);
      expect(overdue.body[0].participants.map((p: any) => p.professional.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
      // No BSN (a random id may well hold nine digits in a row, so look for the BSNs themselves).
      for (const bsn of BSN) expect(JSON.stringify(overdue.body)).not.to.contain(bsn);
      const custom = await call(t.baseUrl, 'GET', '/api/v1/checker/matches/overdue?days=40', { token });
      expect(custom.body).to.deep.equal([]);
      for (const days of ['soon', '', '-1', '2.5']) {
        const bad = await call(t.baseUrl, 'GET', `/api/v1/checker/matches/overdue?days=${days}`, { token });
        expect(bad.status, `days=${days}`).to.equal(400);
        expect(bad.body.error.message).to.equal('days: must be a whole number of days');
      }
      const otherCity = await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${late.matchId}`, { token: await checkerToken('0356') });
      expect(otherCity.status).to.equal(404);
      const noToken = await call(t.baseUrl, 'GET', '/api/v1/checker/matches/overdue', { token: area.a.token });
      expect(noToken.status).to.equal(401);
    });

    it('shows the checker no more of a match once the only signal of its municipality left it, while the match goes on', async () => {
      const a = await register(area.a, BSN[0], '0344');
      await register(area.b, BSN[0], '0356');
      const s = await register(area.c, BSN[0], '0356');
      const token = await checkerToken('0344');
      expect((await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${s.matchId}`, { token })).status).to.equal(200);
      await call(t.baseUrl, 'POST', `/api/v1/signals/${a.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
      expect((await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${s.matchId}`, { token })).status).to.equal(404);
      const escalation = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${s.matchId}/escalations`, { token, body: { note: 'Gebeld' } });
      expect(escalation.status).to.equal(404);
      expect((await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${s.matchId}`, { token: await checkerToken('0356') })).status).to.equal(200);
    });

    it('refuses an escalation on a match that ended: there is no contact left to follow up', async () => {
      await register(area.a);
      const b = await register(area.b);
      await call(t.baseUrl, 'POST', `/api/v1/signals/${b.id}/removal`, { ...as(area.b), body: { reason: 'risk-ended' } });
      const token = await checkerToken('0344');
      expect((await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${b.matchId}`, { token })).body.status).to.equal('ended');
      const e = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${b.matchId}/escalations`, { token, body: { note: 'Gebeld' } });
      expect(e.status).to.equal(409);
      expect(e.body.error.code).to.equal('MATCH_ENDED');
    });

    it('refuses a checker\'s note that holds a number that may be a BSN, and stores nothing', async () => {
      await register(area.a);
      const s = await register(area.b);
      const token = await checkerToken('0344');
      for (const note of ['BSN 111222333 gebeld', 'jeugdige 1112.22.333', 'nr 111 222 333']) {
        const e = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${s.matchId}/escalations`, { token, body: { note } });
        expect(e.status).to.equal(400);
        expect(e.body.error.message).to.equal('note: holds a number that may be a BSN: leave BSNs and names of youths out of a note');
      }
      expect((await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${s.matchId}`, { token })).body.escalations).to.deep.equal([]);
      // A number that fails the elfproef (a case number, a date) is fine.
      const ok = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${s.matchId}/escalations`, { token, body: { note: 'Zaak 123456789, gebeld op 2026-03-02 om 10:00' } });
      expect(ok.status).to.equal(201);
      // A blank note is no note, as one left out.
      const blank = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${s.matchId}/escalations`, { token, body: { note: '   ' } });
      expect(blank.body.note).to.equal(null);
      const outcome = await call(t.baseUrl, 'POST', `/api/v1/checker/escalations/${ok.body.id}/outcome`, { token, body: { outcome: 'other', note: 'zie 111222333' } });
      expect(outcome.status).to.equal(400);
    });

    it('lets the checker record an escalation and its outcome', async () => {
      await register(area.a);
      const s = await register(area.b);
      const token = await checkerToken('0344');
      const e = await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${s.matchId}/escalations`, { token, body: { note: 'Teamleiders gebeld' } });
      expect(e.status).to.equal(201);
      expect(e.body).to.include({ matchId: s.matchId, note: 'Teamleiders gebeld', outcome: null });
      const done = await call(t.baseUrl, 'POST', `/api/v1/checker/escalations/${e.body.id}/outcome`, { token, body: { outcome: 'contact-made' } });
      expect(done.body).to.include({ outcome: 'contact-made' });
      expect(done.body.resolvedAt).to.be.a('string');
      const again = await call(t.baseUrl, 'POST', `/api/v1/checker/escalations/${e.body.id}/outcome`, { token, body: { outcome: 'other' } });
      expect(again.status).to.equal(409);
      const view = await call(t.baseUrl, 'GET', `/api/v1/checker/matches/${s.matchId}`, { token });
      expect(view.body.escalations).to.have.length(1);
      const notices = await call(t.baseUrl, 'GET', '/api/v1/checker/notices', { token });
      expect(notices.body[0]).to.include({ kind: 'match', matchId: s.matchId });
    });
  });

  describe('with the covenant\'s decision rules', () => {
    beforeEach(async () => {
      t = await startTestRegion({ coordination: { categoryOrder: ['jeugdgezondheidszorg', 'toegangsteam'] } });
      area = await setupArea(t.baseUrl);
    });
    afterEach(async () => t.close());

    it('assigns the regievoerder by institution category order, and reassigns when that professional leaves', async () => {
      await register(area.a);
      const sb = await register(area.b);
      expect((await match(area.a, sb.matchId)).regievoerder.name).to.equal('Bea Beta');
      await register(area.c);
      expect((await match(area.c, sb.matchId)).regievoerder.name).to.equal('Bea Beta');
      await call(t.baseUrl, 'POST', `/api/v1/signals/${sb.id}/removal`, { ...as(area.b), body: { reason: 'risk-ended' } });
      expect((await match(area.a, sb.matchId)).regievoerder.name).to.equal('Anna Alfa');
    });
  });
});
