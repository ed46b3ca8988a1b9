import type { TestClock } from '../helpers/region.js';
import { advanceSeconds, totpCode } from './helpers.js';

/**
 * A minimal browser for the portal over plain HTTP: keeps the session cookie, reads the CSRF
 * token from the last page, follows nothing by itself. For tests of status codes and headers.
 */
export interface AgentResponse {
  status: number;
  text: string;
  location: string | null;
  headers: Headers;
}

export class PortalAgent {
  cookie = '';
  csrf = '';
  secret = '';

  constructor(readonly baseUrl: string) {}

  private remember(res: Response, text: string): void {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (name.endsWith('vir_sessie')) this.cookie = value ? `${name}=${value}` : '';
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(text)?.[1];
    if (token) this.csrf = token;
  }

  async get(path: string): Promise<AgentResponse> {
    const res = await fetch(`${this.baseUrl}${path}`, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} });
    const text = await res.text();
    this.remember(res, text);
    return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
  }

  /** Posts a form; the CSRF token of the last page goes along unless `csrf` says otherwise (null: none). */
  async post(path: string, form: Record<string, string>, o: { csrf?: string | null; origin?: string } = {}): Promise<AgentResponse> {
    const body = new URLSearchParams(form);
    const token = o.csrf === undefined ? this.csrf : o.csrf;
    if (token !== null) body.set('_csrf', token);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', origin: o.origin ?? this.baseUrl };
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers, body });
    const text = await res.text();
    this.remember(res, text);
    return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
  }

  /** The first login: setup code, new password, then the app's first code. */
  async firstLogin(clock: TestClock, username: string, setupCode: string, password: string): Promise<void> {
    await this.get('/portal/account/instellen');
    const r = await this.post('/portal/account/instellen', { gebruikersnaam: username, instelcode: setupCode, wachtwoord: password, herhaling: password });
    if (r.location !== '/portal/account/tweede-factor') throw new Error(`setup refused (${r.status})`);
    const page = await this.get('/portal/account/tweede-factor');
    this.secret = /id="totp-sleutel">([^<]+)</.exec(page.text)![1].replace(/\s+/g, '');
    const done = await this.post('/portal/account/tweede-factor', { code: await totpCode(this.secret, clock) });
    if (done.location !== '/portal/') throw new Error(`enrolment refused (${done.status})`);
    advanceSeconds(clock, 30);
    await this.get('/portal/');
  }

  async login(clock: TestClock, username: string, password: string): Promise<AgentResponse> {
    await this.get('/portal/inloggen');
    const r = await this.post('/portal/inloggen', { gebruikersnaam: username, wachtwoord: password });
    if (r.location !== '/portal/inloggen/code') return r;
    await this.get('/portal/inloggen/code');
    const done = await this.post('/portal/inloggen/code', { code: await totpCode(this.secret, clock) });
    advanceSeconds(clock, 30);
    if (done.location === '/portal/') await this.get('/portal/');
    return done;
  }
}
