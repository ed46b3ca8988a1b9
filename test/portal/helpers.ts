import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { ADMIN_TOKEN, call, type TestClock } from '../helpers/region.js';

/** Test parts for the portal: a real SMTP server, Debian's Chromium, accounts through the admin API, TOTP codes on the test clock. */

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  raw: string;
  messageId: string;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** Splits a plain-text message into headers and decoded body (quoted-printable or base64, as nodemailer writes). */
export function parseMail(raw: string, to: string[]): ReceivedMail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  let body = rest.join('\n\n');
  const enc = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (enc === 'quoted-printable') {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (enc === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  return { to, subject: decodeWords(headers.get('subject') ?? ''), text: body.replace(/\r\n/g, '\n'), raw, messageId: headers.get('message-id') ?? '' };
}

export interface TestSmtp {
  port: number;
  mails: ReceivedMail[];
  /** Resolves when at least `n` mails arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), no TLS, no auth, keeping every message. */
export async function startSmtp(options: { refuse?: () => boolean; accepted?: () => void } = {}): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (options.refuse?.()) return callback(Object.assign(new Error('mailbox unavailable, try later'), { responseCode: 451 }));
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)));
        options.accepted?.();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    mails,
    async waitFor(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (mails.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} mails, got ${mails.length}: ${mails.map((m) => m.subject).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Config overrides for a region that mails through `smtp`. */
export function mailConfig(smtp: TestSmtp): Record<string, unknown> {
  return { mail: { enabled: true, smtp: { host: '127.0.0.1', port: smtp.port, secure: false }, portalBaseUrl: 'https://vir.example.org', pollMs: 100, from: 'Verwijsindex Test <noreply@vir.example.org>' } };
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian's Chromium through playwright-core, launched as conventions.md says. */
export async function startBrowser(): Promise<TestBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'vir-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'nl-NL',
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Moves the test clock on, e.g. past the TOTP step a code was just used in. */
export function advanceSeconds(clock: TestClock, seconds: number): void {
  clock.set(new Date(clock.now().getTime() + seconds * 1000).toISOString());
}

export async function totpCode(secret: string, clock: TestClock): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

export interface PortalUser {
  username: string;
  password: string;
  secret: string;
  setupCode: string;
}

/** Creates a portal account through the admin API; the answer carries the one-time setup code. */
export async function createAccount(baseUrl: string, body: Record<string, unknown>): Promise<{ id: string; username: string; setupCode: string }> {
  const r = await call(baseUrl, 'POST', '/api/v1/admin/accounts', { token: ADMIN_TOKEN, body });
  if (r.status !== 201) throw new Error(`account: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** First login in the browser: setup code and a new password, then the TOTP app's first code. Ends logged in. */
export async function firstLogin(page: Page, baseUrl: string, clock: TestClock, username: string, setupCode: string, password: string): Promise<PortalUser> {
  await page.goto(`${baseUrl}/portal/account/instellen`);
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Eenmalige code').fill(setupCode);
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(password);
  await page.getByLabel('Herhaal het nieuwe wachtwoord').fill(password);
  await page.getByRole('button', { name: 'Verder' }).click();
  await page.waitForLoadState();
  if (!page.url().endsWith('/portal/account/tweede-factor')) throw new Error(`setup refused: ${await page.locator('main').innerText()}`);
  const secret = (await page.locator('#totp-sleutel').innerText()).replace(/\s+/g, '');
  await page.getByLabel('Code uit de app (6 cijfers)').fill(await totpCode(secret, clock));
  await page.getByRole('button', { name: 'Koppelen en inloggen' }).click();
  await page.waitForURL(`${baseUrl}/portal/`);
  advanceSeconds(clock, 30);
  return { username, password, secret, setupCode };
}

export async function login(page: Page, baseUrl: string, clock: TestClock, user: PortalUser): Promise<void> {
  await page.goto(`${baseUrl}/portal/inloggen`);
  await page.getByLabel('Gebruikersnaam').fill(user.username);
  await page.getByLabel('Wachtwoord').fill(user.password);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByLabel('Code (6 cijfers)').fill(await totpCode(user.secret, clock));
  await page.getByRole('button', { name: 'Controleren' }).click();
  await page.waitForURL(`${baseUrl}/portal/`);
  advanceSeconds(clock, 30);
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL(/\/portal\/inloggen$/);
}
