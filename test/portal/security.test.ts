import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { PortalAgent } from './agent.js';
import { advanceSeconds, createAccount, totpCode } from './helpers.js';

/** Who sees what, CSRF, lockout, throttling and the session's cookie and time-out, over plain HTTP. */
describe('the portal\'s access rules and login protection', function () {
  this.timeout(60_000);
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const signal = { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true };

  async function loggedIn(who: Caller, password = 'een lange zin als wachtwoord'): Promise<PortalAgent> {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: who.professionalId });
    const agent = new PortalAgent(t.baseUrl);
    await agent.firstLogin(t.clock, acc.username, acc.setupCode, password);
    return agent;
  }

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('answers 404 to a professional of another institution for someone else\'s signal page and match page, and for actions on them', async () => {
    const sa = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: signal })).body;
    const sb = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body: signal })).body;
    const owner = await loggedIn(area.a);
    expect((await owner.get(`/portal/meldingen/${sa.id}`)).status).to.equal(200);
    expect((await owner.get(`/portal/matches/${sb.matchId}`)).status).to.equal(200);

    const outsider = await loggedIn(area.c);
    for (const path of [`/portal/meldingen/${sa.id}`, `/portal/meldingen/${sb.id}`, `/portal/matches/${sb.matchId}`]) {
      const r = await outsider.get(path);
      expect(r.status, path).to.equal(404);
      expect(r.text).to.contain('Pagina niet gevonden').and.not.contain('Anna Alfa').and.not.contain('Bea Beta');
    }
    await outsider.get('/portal/');
    expect((await outsider.post(`/portal/matches/${sb.matchId}/contact`, {})).status).to.equal(404);
    expect((await outsider.post(`/portal/meldingen/${sa.id}/verwijderen`, { reden: 'unjustified' })).status).to.equal(404);
    const still = await call(t.baseUrl, 'GET', `/api/v1/signals/${sa.id}`, as(area.a));
    expect(still.body.status).to.equal('active');
  });

  it('answers a risk that is not in the list in Dutch, naming the field, and stores nothing', async () => {
    const agent = await loggedIn(area.a);
    await agent.get('/portal/meldingen/nieuw');
    const r = await agent.post('/portal/meldingen/nieuw', { bsn: '111222333', geboortedatum: '2012-05-04', gemeente: '0344', risico: 'zz' });
    expect(r.status).to.equal(422);
    expect(r.text).to.contain('Kies alleen risico’s uit de lijst.').and.not.contain('Invalid option');
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.deep.equal([]);
  });

  it('tells a checker why a note that may hold a BSN is refused, and stores nothing', async () => {
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: signal });
    const sb = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body: signal })).body;
    const acc = await createAccount(t.baseUrl, { role: 'checker', municipality: '0344', name: 'Toezicht Utrecht', username: 'toezicht.utrecht' });
    const checker = new PortalAgent(t.baseUrl);
    await checker.firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    await checker.get(`/portal/toezicht/matches/${sb.matchId}`);
    const r = await checker.post(`/portal/toezicht/matches/${sb.matchId}/escalaties`, { notitie: 'BSN 111222333 gebeld' });
    expect(r.location).to.equal(`/portal/toezicht/matches/${sb.matchId}`);
    expect((await checker.get(r.location!)).text).to.contain('De notitie bevat een nummer dat een BSN kan zijn');
    expect(t.region.ctx.db.prepare('SELECT COUNT(*) FROM escalations').pluck().get()).to.equal(0);
  });

  it('shows a professional no page of another role', async () => {
    const agent = await loggedIn(area.a);
    // In any case: Express matches /portal/Beheer/accounts to the same page.
    for (const path of ['/portal/instelling/professionals', '/portal/toezicht/matches', '/portal/beheer/accounts', '/portal/beheer/koppelingen', '/portal/Beheer/accounts', '/portal/TOEZICHT/matches']) {
      expect((await agent.get(path)).status, path).to.equal(404);
    }
  });

  it('keeps a coordinator to their own institution and a checker to their own municipality', async () => {
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: signal });
    const sb = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body: signal })).body;
    await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.a.institutionId}/professionals/${area.a2.professionalId}/coordinator`, { token: ADMIN_TOKEN, body: { coordinator: true } });
    const keyB = (await call(t.baseUrl, 'GET', `/api/v1/admin/institutions/${area.b.institutionId}/api-keys`, { token: ADMIN_TOKEN })).body[0];
    const accCo = await createAccount(t.baseUrl, { role: 'coordinator', professionalId: area.a2.professionalId });
    const co = new PortalAgent(t.baseUrl);
    await co.firstLogin(t.clock, accCo.username, accCo.setupCode, 'een lange zin als wachtwoord');
    const page = await co.get('/portal/instelling/professionals');
    expect(page.text).to.contain('Anna Alfa').and.not.contain('Bea Beta');
    expect((await co.post(`/portal/instelling/professionals/${area.b.professionalId}/bevoegdheid`, { bevoegd: 'nee' })).status).to.equal(404);
    // A bad value for a colleague is named as such, not as a change of the coordinator's own authorisation.
    const odd = await co.post(`/portal/instelling/professionals/${area.a.professionalId}/bevoegdheid`, { bevoegd: 'misschien' });
    expect(odd.location).to.equal('/portal/instelling/professionals');
    expect((await co.get(odd.location!)).text).to.contain('Kies of de professional bevoegd is').and.not.contain('eigen bevoegdheid');
    expect((await co.post(`/portal/instelling/api-sleutels/${keyB.id}/intrekken`, {})).status).to.equal(404);
    expect((await co.get('/portal/meldingen')).status, 'a coordinator account is not a professional account').to.equal(404);
    const keys = (await call(t.baseUrl, 'GET', `/api/v1/admin/institutions/${area.b.institutionId}/api-keys`, { token: ADMIN_TOKEN })).body;
    expect(keys[0].revoked_at).to.equal(null);

    const accCh = await createAccount(t.baseUrl, { role: 'checker', municipality: '0356', name: 'Toezicht Nieuwegein', username: 'toezicht.nieuwegein' });
    const checker = new PortalAgent(t.baseUrl);
    await checker.firstLogin(t.clock, accCh.username, accCh.setupCode, 'een lange zin als wachtwoord');
    expect((await checker.get(`/portal/toezicht/matches/${sb.matchId}`)).status).to.equal(404);
    expect((await checker.get('/portal/toezicht/matches')).text).not.to.contain(sb.matchId.slice(0, 8).toUpperCase());
    expect((await checker.post(`/portal/toezicht/matches/${sb.matchId}/escalaties`, { notitie: '' })).status).to.equal(404);
  });

  it('lists for a checker only the matches it may open: not one its municipality\'s only signal left', async () => {
    const inUtrecht = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: signal })).body;
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body: { ...signal, municipality: '0356' } });
    const m = (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.c), body: { ...signal, municipality: '0356' } })).body;
    const acc = await createAccount(t.baseUrl, { role: 'checker', municipality: '0344', name: 'Toezicht Utrecht', username: 'toezicht.utrecht' });
    const checker = new PortalAgent(t.baseUrl);
    await checker.firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    const ref = m.matchId.slice(0, 8).toUpperCase();
    expect((await checker.get('/portal/toezicht/matches')).text).to.contain(ref);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${inUtrecht.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    expect((await checker.get('/portal/toezicht/matches')).text).not.to.contain(ref);
    expect((await checker.get(`/portal/toezicht/matches/${m.matchId}`)).status).to.equal(404);
  });

  it('refuses a form posted without the session\'s CSRF token, with a wrong one or from another site, and saves nothing', async () => {
    const agent = await loggedIn(area.a);
    await agent.get('/portal/meldingen/nieuw');
    const form = { bsn: BSN[0], geboortedatum: '2012-05-04', gemeente: '0344', risico: 'a' };
    const none = await agent.post('/portal/meldingen/nieuw', form, { csrf: null });
    expect(none.status).to.equal(403);
    expect(none.text).to.contain('Formulier verlopen');
    expect((await agent.post('/portal/meldingen/nieuw', form, { csrf: 'x'.repeat(43) })).status).to.equal(403);
    await agent.get('/portal/meldingen/nieuw');
    expect((await agent.post('/portal/meldingen/nieuw', form, { origin: 'https://evil.example.com' })).status).to.equal(403);
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.deep.equal([]);
    const other = await loggedIn(area.b);
    await agent.get('/portal/meldingen/nieuw');
    expect((await agent.post('/portal/meldingen/nieuw', form, { csrf: other.csrf })).status, "another session's token").to.equal(403);

    await agent.get('/portal/meldingen/nieuw');
    const ok = await agent.post('/portal/meldingen/nieuw', form);
    expect(ok.status).to.equal(303);
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body).to.have.length(1);
    const audit = t.region.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'portal.csrf' AND outcome = 'denied'").get() as { n: number };
    expect(audit.n).to.equal(4);
  });

  it('answers a login form with a repeated field as a wrong login, not with an error page', async () => {
    const agent = new PortalAgent(t.baseUrl);
    await agent.get('/portal/inloggen');
    const res = await fetch(`${t.baseUrl}/portal/inloggen`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.baseUrl, cookie: agent.cookie },
      body: `_csrf=${encodeURIComponent(agent.csrf)}&gebruikersnaam=a&gebruikersnaam=b&wachtwoord=x`,
    });
    expect(res.status).to.equal(401);
    expect(await res.text()).to.contain('De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd.');
  });

  it('sets an account up once: a second browser with the same one-time code cannot take the account over', async () => {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    const user = new PortalAgent(t.baseUrl);
    const other = new PortalAgent(t.baseUrl);
    const setUp = async (agent: PortalAgent, password: string) => {
      await agent.get('/portal/account/instellen');
      const r = await agent.post('/portal/account/instellen', { gebruikersnaam: acc.username, instelcode: acc.setupCode, wachtwoord: password, herhaling: password });
      expect(r.location).to.equal('/portal/account/tweede-factor');
      agent.secret = /id="totp-sleutel">([^<]+)</.exec((await agent.get('/portal/account/tweede-factor')).text)![1].replace(/\s+/g, '');
    };
    await setUp(user, 'een lange zin als wachtwoord');
    await setUp(other, 'het wachtwoord van een ander');
    const done = await user.post('/portal/account/tweede-factor', { code: await totpCode(user.secret, t.clock) });
    expect(done.location).to.equal('/portal/');
    await user.get('/portal/');
    advanceSeconds(t.clock, 30);
    const taken = await other.post('/portal/account/tweede-factor', { code: await totpCode(other.secret, t.clock) });
    expect(taken.location).to.equal(null);
    expect(taken.text).to.contain('Dit account is al ingesteld.');
    await user.post('/portal/uitloggen', {});
    advanceSeconds(t.clock, 30);
    expect((await user.login(t.clock, acc.username, 'een lange zin als wachtwoord')).location).to.equal('/portal/');
    expect((await other.login(t.clock, acc.username, 'het wachtwoord van een ander')).status).to.equal(401);
  });

  it('locks an account for 15 minutes after 5 failed logins, even for the right password, and lets it in afterwards', async () => {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    const agent = new PortalAgent(t.baseUrl);
    await agent.firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    await agent.post('/portal/uitloggen', {});
    for (let i = 0; i < 4; i++) {
      const r = await agent.login(t.clock, acc.username, 'fout wachtwoord nummer');
      expect(r.status).to.equal(401);
      expect(r.text).to.contain('De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd.');
    }
    // A right password with a wrong code counts too: the fifth failure locks.
    await agent.get('/portal/inloggen');
    expect((await agent.post('/portal/inloggen', { gebruikersnaam: acc.username, wachtwoord: 'een lange zin als wachtwoord' })).location).to.equal('/portal/inloggen/code');
    const wrongCode = await agent.post('/portal/inloggen/code', { code: '000000' });
    expect(wrongCode.status).to.equal(401);
    expect(wrongCode.text).to.contain('tijdelijk geblokkeerd');

    // With the right password now: refused, in the words a wrong name gets (the lock says nothing of who exists).
    const locked = await agent.login(t.clock, acc.username, 'een lange zin als wachtwoord');
    expect(locked.status).to.equal(401);
    expect(locked.text).to.contain('De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd. Na 5 mislukte pogingen wordt een account 15 minuten geblokkeerd.');
    const audit = t.region.ctx.db.prepare("SELECT outcome FROM audit_log WHERE action IN ('portal.login', 'portal.lockout') ORDER BY seq").all() as { outcome: string }[];
    expect(audit.map((a) => a.outcome)).to.include.members(['denied:bad-password', 'denied:bad-code', 'locked', 'denied:locked']);

    advanceSeconds(t.clock, 15 * 60 + 1);
    const after = await agent.login(t.clock, acc.username, 'een lange zin als wachtwoord');
    expect(after.location).to.equal('/portal/');
  });

  it('answers a locked account in the words and after the work of a wrong name, so the lock does not tell which usernames exist', async () => {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    await new PortalAgent(t.baseUrl).firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    const answersFor = async (username: string, password = 'fout wachtwoord nummer') => {
      const agent = new PortalAgent(t.baseUrl);
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await agent.login(t.clock, username, password);
        answers.push(`${r.status} ${/utrecht-alert__message">([^<]*)</.exec(r.text)?.[1] ?? r.text}`);
      }
      return answers;
    };
    const existing = await answersFor(acc.username);
    // In any spelling of a name that does not exist, as in any spelling of one that does.
    const unknown = await answersFor('Niemand@Example.org');
    expect(existing).to.deep.equal(Array(6).fill('401 De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd. Na 5 mislukte pogingen wordt een account 15 minuten geblokkeerd.'));
    expect(unknown).to.deep.equal(existing);
    expect(t.region.ctx.db.prepare("SELECT outcome FROM audit_log WHERE action = 'portal.lockout'").pluck().all()).to.deep.equal(['locked']);
  });

  it('counts a locked account\'s attempts against the address as a wrong name\'s, so the address limit does not tell them apart', async () => {
    await t.close();
    t = await startTestRegion({ portal: { maxFailuresPerIp: 8 } });
    area = await setupArea(t.baseUrl);
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    await new PortalAgent(t.baseUrl).firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    const statuses = async (username: string) => {
      const agent = new PortalAgent(t.baseUrl);
      await agent.get('/portal/inloggen');
      const out: number[] = [];
      for (let i = 0; i < 10; i++) out.push((await agent.post('/portal/inloggen', { gebruikersnaam: username, wachtwoord: 'fout wachtwoord nummer' })).status);
      return out;
    };
    const existing = await statuses(acc.username);
    advanceSeconds(t.clock, 60 * 60);
    const unknown = await statuses('niemand@example.org');
    expect(existing).to.deep.equal([...Array(8).fill(401), 429, 429]);
    expect(unknown).to.deep.equal(existing);
  });

  it('counts wrong passwords sent at the same moment one by one: the sixth is never checked', async () => {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    await new PortalAgent(t.baseUrl).firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    const agents = await Promise.all(Array.from({ length: 12 }, async () => {
      const agent = new PortalAgent(t.baseUrl);
      await agent.get('/portal/inloggen');
      return agent;
    }));
    const answers = await Promise.all(agents.map((a) => a.post('/portal/inloggen', { gebruikersnaam: acc.username, wachtwoord: 'fout wachtwoord nummer' })));
    const checked = t.region.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'portal.login' AND outcome = 'denied:bad-password'").pluck().get();
    expect(checked).to.equal(5);
    // The fifth locked the account; the seven after it were refused as locked, all in the same words.
    expect(t.region.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'portal.login' AND outcome = 'denied:locked'").pluck().get()).to.equal(7);
    expect(answers.every((r) => r.status === 401 && r.text.includes('De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd. Na 5 mislukte pogingen wordt een account 15 minuten geblokkeerd.'))).to.equal(true);
  });

  it('counts wrong passwords for one account one by one in any spelling of its name and from any address: the sixth is never checked', async () => {
    await t.close();
    t = await startTestRegion({ http: { bodyLimit: '32kb', trustProxy: true } });
    area = await setupArea(t.baseUrl);
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    await new PortalAgent(t.baseUrl).firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    // Usernames compare without case: ten spellings of the one name, each from an address of its own, at the same moment.
    const spellings = [...new Set(Array.from({ length: 16 }, (_, i) => acc.username.split('').map((c, j) => ((i >> (j % 4)) & 1 ? c.toUpperCase() : c)).join('')))].slice(0, 10);
    expect(spellings).to.have.length(10);
    const agents = await Promise.all(spellings.map(async () => {
      const agent = new PortalAgent(t.baseUrl);
      await agent.get('/portal/inloggen');
      return agent;
    }));
    await Promise.all(agents.map(async (agent, i) => {
      const body = new URLSearchParams({ gebruikersnaam: spellings[i], wachtwoord: `fout wachtwoord ${i}`, _csrf: agent.csrf });
      const res = await fetch(`${t.baseUrl}/portal/inloggen`, {
        method: 'POST', redirect: 'manual', body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.baseUrl, cookie: agent.cookie, 'x-forwarded-for': `10.0.0.${i + 1}` },
      });
      expect(res.status).to.equal(401);
    }));
    expect(t.region.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'portal.login' AND outcome = 'denied:bad-password'").pluck().get()).to.equal(5);
  });

  it('refuses an address after too many failed logins, whatever the usernames', async () => {
    await t.close();
    t = await startTestRegion({ portal: { maxFailuresPerIp: 8 } });
    const agent = new PortalAgent(t.baseUrl);
    await agent.get('/portal/inloggen');
    for (let i = 0; i < 8; i++) {
      expect((await agent.post('/portal/inloggen', { gebruikersnaam: `gok${i}@example.org`, wachtwoord: 'raden maar' })).status).to.equal(401);
    }
    const refused = await agent.post('/portal/inloggen', { gebruikersnaam: 'nog.een@example.org', wachtwoord: 'raden maar' });
    expect(refused.status).to.equal(429);
    expect(refused.text).to.contain('Te veel mislukte pogingen vanaf dit adres');
  });

  it('needs the second factor: the right password alone opens no page', async () => {
    const acc = await createAccount(t.baseUrl, { role: 'professional', professionalId: area.a.professionalId });
    const agent = new PortalAgent(t.baseUrl);
    await agent.firstLogin(t.clock, acc.username, acc.setupCode, 'een lange zin als wachtwoord');
    await agent.post('/portal/uitloggen', {});
    await agent.get('/portal/inloggen');
    expect((await agent.post('/portal/inloggen', { gebruikersnaam: acc.username, wachtwoord: 'een lange zin als wachtwoord' })).location).to.equal('/portal/inloggen/code');
    const start = await agent.get('/portal/');
    expect(start.status).to.equal(303);
    expect(start.location).to.equal('/portal/inloggen');
    expect((await agent.get('/portal/meldingen')).location).to.equal('/portal/inloggen');
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie, ends it after the idle time-out, and sends a strict CSP', async () => {
    const page = await fetch(`${t.baseUrl}/portal/inloggen`);
    const cookie = page.headers.getSetCookie()[0];
    expect(cookie).to.match(/^vir_sessie=/).and.contain('HttpOnly').and.contain('SameSite=Strict').and.contain('Path=/');
    expect(cookie, 'Secure only when configured: the test runs on plain http').not.to.contain('Secure');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).to.contain("default-src 'none'").and.contain("script-src 'self'").and.contain("style-src 'self'").and.contain("frame-ancestors 'none'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');

    const agent = await loggedIn(area.a);
    expect((await agent.get('/portal/meldingen')).status).to.equal(200);
    advanceSeconds(t.clock, 14 * 60);
    expect((await agent.get('/portal/meldingen')).status, 'still within 15 minutes of the last request').to.equal(200);
    advanceSeconds(t.clock, 15 * 60 + 1);
    const expired = await agent.get('/portal/meldingen');
    expect(expired.location).to.equal('/portal/inloggen');
    expect((await agent.get('/portal/inloggen')).text).to.contain('Uw sessie is verlopen. Log opnieuw in.');
  });

  it('marks the cookie Secure when configured, and refuses to start in production without it', async () => {
    await t.close();
    t = await startTestRegion({ portal: { cookieSecure: true } });
    const cookie = (await fetch(`${t.baseUrl}/portal/inloggen`)).headers.getSetCookie()[0];
    expect(cookie).to.match(/^__Host-vir_sessie=/).and.contain('Secure').and.contain('HttpOnly').and.contain('SameSite=Strict');
    const { loadConfig } = await import('../../config/load.js');
    const key = (n: number) => Buffer.alloc(32, n).toString('base64');
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: key(1), REGION_BSN_INDEX_KEY: key(2), REGION_COOKIE_SECURE: 'false' }))
      .to.throw('config key portal.cookieSecure: must be true in production');
  });
});
