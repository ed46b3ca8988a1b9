import { expect } from 'chai';
import { call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { CHILD, DECEASED, personen, UNKNOWN_TO_BRP } from '../brp/fixtures.js';
import { turns23On } from '../../region/domain/youth.js';
import { PortalAgent } from './agent.js';
import { createAccount } from './helpers.js';

/** A registration in the portal goes through the population register as one through the API does. */
describe('registering in the portal with a population register (BRP)', function () {
  this.timeout(60_000);
  let brp: FakeBrp;
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });

  beforeEach(async () => {
    brp = await startFakeBrp({ personen: personen(), today: () => '2026-03-02' });
    t = await startTestRegion({ brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } } });
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => {
    await t.close();
    await brp.close();
  });

  async function portalOf(who: Caller): Promise<PortalAgent> {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: who.professionalId });
    const agent = new PortalAgent(t.baseUrl);
    await agent.firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    return agent;
  }
  const register = async (agent: PortalAgent, bsn: string, geboortedatum: string) => {
    await agent.get('/portal/meldingen/nieuw');
    return agent.post('/portal/meldingen/nieuw', { bsn, geboortedatum, gemeente: '0344', risico: 'a' });
  };

  it('refuses a youth the BRP records as deceased, or a BSN it does not know, with a message in Dutch, and stores nothing', async () => {
    const agent = await portalOf(area.a);
    const dead = await register(agent, DECEASED, '2008-02-29');
    expect(dead.status).to.equal(422);
    expect(dead.text).to.contain('Volgens de Basisregistratie Personen is deze jeugdige overleden.');
    const unknown = await register(agent, UNKNOWN_TO_BRP, '2012-05-04');
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.contain('De Basisregistratie Personen kent geen persoon met dit BSN.');
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.deep.equal([]);
  });

  it('takes the birth date from the BRP, marks the signal verified and follows the youth', async () => {
    const agent = await portalOf(area.a);
    const r = await register(agent, CHILD, '2015-01-01');
    expect(r.status).to.equal(303);
    const [signal] = (await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body;
    expect(signal.verified).to.equal(true);
    const born = (personen().find((p) => p.burgerservicenummer === CHILD) as { geboorte: { datum: { datum: string } } }).geboorte.datum.datum;
    expect(born).not.to.equal('2015-01-01');
    const turns23 = t.region.ctx.db.prepare('SELECT turns23_on FROM signals WHERE id = ?').pluck().get(signal.id);
    expect(turns23).to.equal(turns23On(born));
    expect(brp.volgindicaties().has(CHILD)).to.equal(true);
  });
});
