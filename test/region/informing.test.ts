import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('informing the youth and parents (7.1.5.1)', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string, birthDate: string) => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate, municipality: '0344', legalGroundConfirmed: true } });
    expect(r.status).to.equal(201);
    return r.body;
  };
  const inform = (who: Caller, id: string, body: Record<string, unknown>) => call(t.baseUrl, 'POST', `/api/v1/signals/${id}/informing`, { ...as(who), body });

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('derives whom to inform from the youth\'s age: under 12 the legal representative, 12 to 15 both, 16 and over the youth', async () => {
    const cases: [string, string, string[]][] = [
      [BSN[0], '2014-03-02', ['legal-representative', 'youth']], // turns 12 that very day
      [BSN[1], '2014-03-03', ['legal-representative']], // 11
      [BSN[2], '2010-03-03', ['legal-representative', 'youth']], // 15
      [BSN[3], '2010-03-02', ['youth']], // turns 16 that very day
    ];
    for (const [bsn, birthDate, expected] of cases) {
      const s = await register(area.a, bsn, birthDate);
      const r = await inform(area.a, s.id, { informedOn: '2026-03-02', method: 'in-person' });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect([...r.body.informed].sort(), birthDate).to.deep.equal(expected);
      expect(r.body.derived.sort()).to.deep.equal(expected);
    }
  });

  it('lets the professional correct whom they informed, and refuses a date in the future, before the youth was born, or an unknown method', async () => {
    const s = await register(area.a, BSN[0], '2016-01-01');
    const corrected = await inform(area.a, s.id, { informed: ['youth', 'legal-representative'], informedOn: '2026-03-01', method: 'phone' });
    expect(corrected.body).to.include({ informedOn: '2026-03-01', method: 'phone' });
    expect(corrected.body.informed).to.deep.equal(['legal-representative', 'youth']);
    expect(corrected.body.derived).to.deep.equal(['legal-representative']);
    const future = await inform(area.a, s.id, { informedOn: '2026-03-03', method: 'phone' });
    expect(future.body.error.code).to.equal('INFORMED_IN_FUTURE');
    const beforeBirth = await inform(area.a, s.id, { informedOn: '2015-12-31', method: 'phone' });
    expect(beforeBirth.body.error).to.include({ code: 'INFORMED_BEFORE_BIRTH' });
    expect((await inform(area.a, s.id, { informedOn: '2016-01-01', method: 'phone' })).status).to.equal(200);
    const method = await inform(area.a, s.id, { informedOn: '2026-03-01', method: 'pigeon' });
    expect(method.status).to.equal(400);
    expect(method.body.error.message).to.contain('method: must be one of: in-person, phone, letter, email, other');
    const other = await inform(area.b, s.id, { informedOn: '2026-03-01', method: 'phone' });
    expect(other.status).to.equal(404);
    const notAList = await inform(area.a, s.id, { informed: 'youth', informedOn: '2026-03-01', method: 'phone' });
    expect(notAList.body.error.message).to.equal('informed: must be a list of who was informed: "youth", "legal-representative"');
  });

  it('lists signals not informed for their professional and counts them per institution once overdue', async () => {
    const s1 = await register(area.a, BSN[0], '2012-01-01');
    await register(area.a, BSN[1], '2012-01-01');
    await register(area.b, BSN[2], '2012-01-01');
    await inform(area.a, s1.id, { informedOn: '2026-03-02', method: 'letter' });
    t.clock.advanceDays(15);
    const outstanding = await call(t.baseUrl, 'GET', '/api/v1/informing/outstanding', as(area.a));
    expect(outstanding.body).to.have.length(1);
    expect(outstanding.body[0].overdue).to.equal(true);
    const report = await call(t.baseUrl, 'GET', '/api/v1/admin/reports/informing', { token: ADMIN_TOKEN });
    const byName = Object.fromEntries(report.body.map((r: any) => [r.institution.name, r]));
    expect(byName['Buurtteam Utrecht']).to.include({ active: 2, informed: 1, overdue: 1 });
    expect(byName['GGD Utrecht']).to.include({ active: 1, informed: 0, overdue: 1 });
    expect(byName['Leerplicht Utrecht']).to.include({ active: 0, informed: 0, overdue: 0 });
  });

  it('reminds the professional once, after the configured 14 days, of a signal not informed', async () => {
    await register(area.a, BSN[0], '2012-01-01');
    t.clock.advanceDays(13);
    expect((await t.region.scheduler.runLifecycle()).reminders).to.deep.equal({ reminders: 0 });
    t.clock.advanceDays(1);
    expect((await t.region.scheduler.runLifecycle()).reminders).to.deep.equal({ reminders: 1 });
    t.clock.advanceDays(1);
    expect((await t.region.scheduler.runLifecycle()).reminders).to.deep.equal({ reminders: 0 });
    const notices = (await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.a))).body;
    expect(notices.filter((n: any) => n.kind === 'informing-reminder')).to.have.length(1);
  });
});
