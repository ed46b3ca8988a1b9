import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BSN, setupArea, startTestRegion, type TestArea, type TestRegion } from '../helpers/region.js';
import { createAccount, firstLogin, login, logout, mailConfig, startBrowser, startSmtp, type PortalUser, type TestBrowser, type TestSmtp } from './helpers.js';

const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;

describe('the portal in Chromium: two professionals, one match, the checker', function () {
  this.timeout(120_000);
  let smtp: TestSmtp;
  let t: TestRegion;
  let area: TestArea;
  let browser: TestBrowser;

  before(async () => {
    smtp = await startSmtp();
    t = await startTestRegion(mailConfig(smtp));
    area = await setupArea(t.baseUrl);
    browser = await startBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('lets two professionals of different institutions log in with password and TOTP, match on one youth, agree a regievoerder and record contact, and shows the checker the match as coordinated', async () => {
    const { page } = browser;
    const url = t.baseUrl;
    const accA = await createAccount(url, { role: 'professional', professionalId: area.a.professionalId });
    const accB = await createAccount(url, { role: 'professional', professionalId: area.b.professionalId });
    const accC = await createAccount(url, { role: 'checker', municipality: '0344', name: 'Tessa Toezicht', username: 'toezicht.utrecht' });
    expect(accA.username).to.equal('anna.alfa@example.org');

    // A: the first login sets the password and the TOTP app; then a normal login with both.
    const a: PortalUser = await firstLogin(page, url, t.clock, accA.username, accA.setupCode, 'een lange zin als wachtwoord A');
    await logout(page);
    await login(page, url, t.clock, a);
    await expect(page.locator('header')).to.be.ok;
    expect(await page.locator('header').innerText()).to.contain('Ingelogd als Anna Alfa').and.contain('Professional bij Buurtteam Utrecht');

    const register = async (): Promise<void> => {
      await page.getByRole('link', { name: 'Nieuwe melding', exact: true }).click();
      await page.getByLabel('BSN van de jeugdige').fill(BSN[0]);
      await page.getByLabel('Geboortedatum').fill('2012-05-04');
      await page.getByLabel('Gemeente waar de jeugdige woont').selectOption('0344');
      await page.getByLabel('a. geweld, vernedering of verwaarlozing').check();
      await page.getByRole('button', { name: 'Melding registreren' }).click();
      await page.waitForURL(/\/portal\/meldingen\/[0-9a-f-]{36}$/);
    };
    await register();
    expect(await page.getByRole('status').innerText()).to.contain('Uw melding is geregistreerd.');
    expect(await page.locator('main').innerText()).to.contain('***.**.*333').and.not.contain(BSN[0]);
    await logout(page);

    // B signals the same youth: a match, with A's contact details.
    const b = await firstLogin(page, url, t.clock, accB.username, accB.setupCode, 'een lange zin als wachtwoord B');
    expect(await page.locator('header').innerText()).to.contain('Ingelogd als Bea Beta').and.contain('Professional bij GGD Utrecht');
    await register();
    expect(await page.getByRole('status').innerText()).to.contain('Er is een match');
    await page.getByRole('link', { name: /Bekijk match/ }).click();
    const seenByB = await page.locator('main').innerText();
    expect(seenByB).to.contain('Anna Alfa').and.contain('Buurtteam Utrecht').and.contain('anna.alfa@example.org').and.contain('06-12345678');
    expect(seenByB).to.contain('Nog niet afgestemd');
    await page.getByRole('button', { name: 'Contact gelegd' }).click();
    expect(await page.getByRole('status').innerText()).to.contain('Vastgelegd dat u contact hebt gelegd');
    await logout(page);

    // A sees the match on the start page, makes B the regievoerder and records contact.
    await login(page, url, t.clock, a);
    expect(await page.locator('main').innerText()).to.contain('Nieuwe matches (1)');
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'startpagina.png'), fullPage: true });
    }
    await page.getByRole('link', { name: /^Match [0-9A-F]{8}$/ }).first().click();
    const seenByA = await page.locator('main').innerText();
    expect(seenByA).to.contain('Bea Beta').and.contain('GGD Utrecht').and.contain('bea.beta@example.org');
    await page.getByLabel('Wie wordt regievoerder?').selectOption({ label: 'Bea Beta (GGD Utrecht)' });
    await page.getByRole('button', { name: 'Regievoerder vastleggen' }).click();
    expect(await page.getByRole('status').innerText()).to.contain('De regievoerder is vastgelegd.');
    await page.getByRole('button', { name: 'Contact gelegd' }).click();
    const done = await page.locator('main').innerText();
    expect(done).to.contain('Regievoerder\nBea Beta (GGD Utrecht)');
    expect(done).to.contain('Alle professionals hebben vastgelegd dat er contact is gelegd.');
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'match.png'), fullPage: true });
    await logout(page);

    // The checker of Utrecht sees the match as coordinated.
    await firstLogin(page, url, t.clock, accC.username, accC.setupCode, 'een lange zin voor toezicht');
    expect(await page.locator('header').innerText()).to.contain('Ingelogd als Tessa Toezicht').and.contain('Toezichthouder gemeente Utrecht');
    await page.getByRole('link', { name: 'Matches in de gemeente' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Bea Beta' });
    expect(await row.innerText()).to.contain('Afgestemd');
    await row.getByRole('link').click();
    const checkerView = await page.locator('main').innerText();
    expect(checkerView).to.contain('Afgestemd').and.contain('Anna Alfa').and.contain('Bea Beta').and.not.contain(BSN[0]);
    await logout(page);
    void b;
    expect(t.logLines.join('\n'), 'no BSN in the logs').not.to.contain(BSN[0]);
    const reads = t.region.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'signal.read-bsn'").get() as { n: number };
    expect(reads.n, 'each masked BSN shown is an audited read').to.equal(2);
  });

  it('sends an e-mail for each notice of that flow to the SMTP server, in Dutch, with a portal link and no BSN', async () => {
    // match: to A and B; checker of 0344: match; regievoerder: to B (A chose).
    const mails = await smtp.waitFor(4);
    const byRecipient = (to: string) => mails.filter((m) => m.to.includes(to)).map((m) => m.subject);
    expect(byRecipient('anna.alfa@example.org')).to.deep.equal(['Verwijsindex: Nieuwe match in de Verwijsindex']);
    expect(byRecipient('bea.beta@example.org')).to.have.members(['Verwijsindex: Nieuwe match in de Verwijsindex', 'Verwijsindex: Er is een regievoerder in uw match']);
    expect(byRecipient('checker@0344.example.org')).to.deep.equal(['Verwijsindex: Nieuwe match in uw gemeente']);
    for (const m of mails) {
      expect(m.raw).not.to.contain(BSN[0]);
      expect(m.text).not.to.contain(BSN[0]);
      expect(m.text).to.match(/https:\/\/vir\.example\.org\/portal\/(matches|toezicht\/matches)\/[0-9a-f-]{36}/);
      expect(m.text).to.contain('geen naam, geen BSN');
      expect(m.text).not.to.match(/Anna|Bea|Alfa|Beta/);
    }
  });
});
