import { expect } from 'chai';
import { call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { brpBehind } from '../helpers/brp-door.js';
import { CHILD, personen, SIBLING } from '../brp/fixtures.js';
import { PortalAgent } from '../portal/agent.js';
import { createAccount } from '../portal/helpers.js';

const unavailable = { status: 503, body: { title: 'Bronservice BRP is tijdelijk niet beschikbaar.', status: 503, code: 'notAvailable' } };
const deceased = (bsn: string) => ({ ...personen().find((p) => p.burgerservicenummer === bsn)!, overlijden: { datum: { type: 'Datum', datum: '2026-03-01', langFormaat: '1 maart 2026' } } });

describe('the population register failing part-way: nothing is lost', () => {
  let brp: FakeBrp;
  let door: Awaited<ReturnType<typeof brpBehind>>;
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = (who: Caller, bsn: string, birthDate = '2012-05-14') =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate, municipality: '0344', legalGroundConfirmed: true } });
  const statusOf = async (who: Caller, id: string) => (await call(t.baseUrl, 'GET', `/api/v1/signals/${id}`, as(who))).body;

  beforeEach(async () => {
    brp = await startFakeBrp({ personen: personen(), today: () => '2026-03-02' });
    door = await brpBehind(brp);
    const url = new URL(brp.personenUrl);
    const base = `${door.url}${url.pathname}`;
    t = await startTestRegion({ brp: { source: 'api', api: { personenUrl: base, updateUrl: base.replace('/brp', '/brpupdate'), apiKey: brp.apiKey, timeoutMs: 1000 } } });
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => {
    await t.close();
    await door.close();
    await brp.close();
  });

  it('follows a youth at the next BRP run when following failed at registration, and so hears of the death', async () => {
    door.rule = (_m, path) => (path.includes('/brpupdate/') ? unavailable : 'pass');
    const s = (await register(area.a, CHILD)).body;
    expect(s.verified).to.equal(true);
    expect(brp.volgindicaties().has(CHILD)).to.equal(false);
    door.rule = () => 'pass';
    expect((await t.region.scheduler.runBrp()).verified).to.deep.include({ followed: 1 });
    expect(brp.volgindicaties().has(CHILD)).to.equal(true);
    brp.put(deceased(CHILD), '2026-03-02');
    await t.region.scheduler.runBrp();
    expect(await statusOf(area.a, s.id)).to.include({ status: 'removed', removalReason: 'death' });
  });

  // The youth dies on 2 March; the run just after midnight finds the change but cannot use the person's lookup: the
  // BRP down again, or refusing every lookup for a while (a changed authorisation). The next run applies the change.
  for (const [what, failure] of [
    ['is down', unavailable],
    ['refuses the lookups for a while', { status: 403, body: { title: 'Niet geautoriseerd.', status: 403, code: 'unauthorized' } }],
  ] as const) {
    it(`keeps its place in the BRP's changes when it ${what} at the lookup of a changed person, and applies the change at the next run`, async () => {
      const s = (await register(area.a, CHILD)).body;
      await t.region.scheduler.runBrp();
      brp.put(deceased(CHILD), '2026-03-02');
      t.clock.advanceDays(1);
      door.rule = (_m, path) => (path.endsWith('/personen') ? failure : 'pass');
      await t.region.scheduler.runBrp();
      expect((await statusOf(area.a, s.id)).status).to.equal('active');
      door.rule = () => 'pass';
      await t.region.scheduler.runBrp();
      expect(await statusOf(area.a, s.id)).to.include({ status: 'removed', removalReason: 'death' });
    });
  }

  it('goes on with the other signals when the BRP refuses one person, and still hears of deaths', async () => {
    door.rule = () => unavailable;
    const refusedOne = (await register(area.a, SIBLING, '2014-09-01')).body;
    const other = (await register(area.b, CHILD)).body;
    expect([refusedOne.verified, other.verified]).to.deep.equal([false, false]);
    const siblingAsked = (body: string) => body.includes(SIBLING);
    door.rule = (_m, path, body) => (path.endsWith('/personen') && siblingAsked(body) ? { status: 403, body: { title: 'U bent niet geautoriseerd voor deze vraag.', status: 403, code: 'unauthorized' } } : 'pass');
    const first = await t.region.scheduler.runBrp();
    expect(first.verified).to.deep.include({ verified: 1, refused: 1 });
    brp.put(deceased(CHILD), '2026-03-02');
    const second = await t.region.scheduler.runBrp();
    expect(second.changes).to.deep.include({ deaths: 1 });
    expect(await statusOf(area.b, other.id)).to.include({ status: 'removed', removalReason: 'death' });
    expect((await statusOf(area.a, refusedOne.id)).status).to.equal('active');
  });

  it('answers a BRP that refuses the lookup with a Dutch message in the portal, not an error page, and stores nothing', async () => {
    door.rule = (_m, path) => (path.endsWith('/personen') ? { status: 403, body: { title: 'U bent niet geautoriseerd voor deze vraag.', status: 403, code: 'unauthorized' } } : 'pass');
    const account = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    const agent = new PortalAgent(t.baseUrl);
    await agent.firstLogin(t.clock, account.username, account.setupCode, 'een lange zin als wachtwoord');
    await agent.get('/portal/meldingen/nieuw');
    const r = await agent.post('/portal/meldingen/nieuw', { bsn: CHILD, geboortedatum: '2012-05-14', gemeente: '0344', risico: 'a' });
    expect(r.status).to.equal(422);
    expect(r.text).to.contain('De Basisregistratie Personen weigerde de vraag naar deze jeugdige');
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.deep.equal([]);
  });

  it('does not let one person the BRP always answers about wrongly hold up the other changes or verifications', async () => {
    const sibling = (await register(area.a, SIBLING, '2014-09-01')).body;
    const child = (await register(area.b, CHILD)).body;
    const two = personen().filter((p) => p.burgerservicenummer === SIBLING || p.burgerservicenummer === CHILD);
    door.rule = (_m, path, body) => (path.endsWith('/personen') && body.includes(SIBLING) ? { status: 200, body: { type: 'RaadpleegMetBurgerservicenummer', personen: two } } : 'pass');
    // Both change on 2 March: the sibling (answered wrongly, listed first or not) and the child, who died.
    brp.put(personen().find((p) => p.burgerservicenummer === SIBLING)!, '2026-03-02');
    brp.put(deceased(CHILD), '2026-03-02');
    await t.region.scheduler.runBrp();
    expect(await statusOf(area.b, child.id)).to.include({ status: 'removed', removalReason: 'death' });
    expect((await statusOf(area.a, sibling.id)).status).to.equal('active');
  });

  it('concludes nothing from an answer about another person: the signal is registered unverified, not refused as unknown', async () => {
    const other = personen().find((p) => p.burgerservicenummer === SIBLING)!;
    door.rule = (_m, path) => (path.endsWith('/personen') ? { status: 200, body: { type: 'RaadpleegMetBurgerservicenummer', personen: [other] } } : 'pass');
    const r = await register(area.a, CHILD);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.verified).to.equal(false);
  });
});
