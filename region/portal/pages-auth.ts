import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LoginRefused } from './accounts.js';
import { button, form, paragraph, textField } from './forms.js';
import { html, type SafeHtml } from './html.js';
import type { PortalKit } from './kit.js';
import { state } from './kit.js';
import { principalAudit, resolvePrincipal } from './principal.js';
import { groupSecret, newTotpSecret, totpUri } from './totp.js';

/**
 * Logging in: username and password, then the TOTP code. The first login uses the one-time setup
 * code, sets the password and enrols the authenticator app; an account without a second factor
 * always enrols one before it gets in. Logging out ends the session.
 */
/**
 * A field of a login form: text, or '' for anything else (missing, too long, or repeated, which a
 * form post turns into a list): the attempt then fails as a wrong one does, never with a 500.
 */
const field = (max: number) => z.string().max(max).catch('');
const loginBody = z.object({ gebruikersnaam: field(200), wachtwoord: field(200) }).catch({ gebruikersnaam: '', wachtwoord: '' });
const codeBody = z.object({ code: field(20) }).catch({ code: '' });
const setupBody = z.object({ gebruikersnaam: field(200), instelcode: field(40), wachtwoord: field(200), herhaling: field(200) })
  .catch({ gebruikersnaam: '', instelcode: '', wachtwoord: '', herhaling: '' });

function errorBox(message: string | null): SafeHtml {
  return message
    ? html`<div class="utrecht-alert utrecht-alert--error vir-flash" role="alert"><div class="utrecht-alert__content"><p class="utrecht-paragraph utrecht-alert__message">${message}</p></div></div>`
    : html``;
}

export function authRoutes(kit: PortalKit): Router {
  const r = Router();
  const { sessions, accounts } = kit.s.portal;
  const { ctx } = kit.s;
  const ip = (req: Request): string => req.ip ?? 'unknown';
  const statusOf = (err: LoginRefused): number => (err.reason === 'throttled' ? 429 : err.reason === 'password-policy' ? 422 : 401);

  /** The session a login form posts into: the current one, or a new anonymous one. */
  function ensureSession(res: Response) {
    const st = state(res);
    if (!st.session) st.session = sessions.anonymous(res);
    return st.session;
  }

  function loginPage(req: Request, res: Response, error: string | null = null, username = '', status = 200): void {
    ensureSession(res);
    kit.render(req, res, 'Inloggen', html`${errorBox(error)}
      ${paragraph('Log in met uw gebruikersnaam en wachtwoord. Daarna vraagt de verwijsindex de code uit uw authenticator-app.')}
      ${form('/portal/inloggen', kit.csrf(res), html`
        ${textField({ name: 'gebruikersnaam', label: 'Gebruikersnaam', value: username, autocomplete: 'username', required: true })}
        ${textField({ name: 'wachtwoord', label: 'Wachtwoord', type: 'password', autocomplete: 'current-password', required: true })}
        ${button('Inloggen')}`)}
      <h2 class="utrecht-heading-2">Eerste keer?</h2>
      ${paragraph(html`Hebt u een eenmalige code van de functioneel beheerder gekregen? <a class="utrecht-link" href="/portal/account/instellen">Stel uw account in</a>.`)}`, status);
  }

  function activate(req: Request, res: Response, accountId: string, welcome: string): void {
    const account = accounts.byId(accountId)!;
    const principal = resolvePrincipal(kit.s.covenant, account);
    const session = state(res).session!;
    if (!principal) {
      ctx.audit.record({ actorKind: 'anonymous', action: 'portal.login', objectType: 'portal-account', objectId: accountId, outcome: 'denied:no-access' }, ctx.now());
      sessions.end(res, session);
      state(res).session = sessions.anonymous(res);
      loginPage(req, res, 'Uw account geeft geen toegang meer (bijvoorbeeld omdat uw bevoegdheid is ingetrokken). Neem contact op met uw coördinator.', '', 403);
      return;
    }
    state(res).session = sessions.activate(res, session, accountId);
    ctx.audit.record({ ...principalAudit(principal), action: 'portal.login', objectType: 'portal-account', objectId: accountId, outcome: 'ok' }, ctx.now());
    kit.redirect(res, '/portal/', { kind: 'ok', text: welcome });
  }

  r.get('/inloggen', (req, res) => {
    if (state(res).principal) return res.redirect(303, '/portal/');
    loginPage(req, res);
  });

  r.post('/inloggen', async (req, res) => {
    const body = loginBody.parse(req.body ?? {});
    const session = ensureSession(res);
    try {
      const step = await accounts.checkPassword(body.gebruikersnaam, body.wachtwoord, ip(req));
      if (step.next === 'code') {
        sessions.pending(session, 'password', step.accountId, null, null);
        res.redirect(303, '/portal/inloggen/code');
      } else {
        sessions.pending(session, 'enrol', step.accountId, ctx.vault.seal(newTotpSecret()), null);
        res.redirect(303, '/portal/account/tweede-factor');
      }
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      loginPage(req, res, err.message, body.gebruikersnaam, statusOf(err));
    }
  });

  /**
   * A code (login or enrolment) refused: a lock or bad credentials end the half-open session and go
   * back to the login page; any other refusal shows the same page again with its message.
   */
  function codeRefused(
    req: Request,
    res: Response,
    session: NonNullable<ReturnType<typeof state>['session']>,
    err: unknown,
    retry: (req: Request, res: Response, error: string | null, status: number) => void,
  ): void {
    if (!(err instanceof LoginRefused)) throw err;
    if (err.reason === 'locked' || err.reason === 'bad-credentials') {
      sessions.end(res, session);
      state(res).session = sessions.anonymous(res);
      return loginPage(req, res, err.message, '', statusOf(err));
    }
    return retry(req, res, err.message, statusOf(err));
  }

  function codePage(req: Request, res: Response, error: string | null = null, status = 200): void {
    kit.render(req, res, 'Code uit uw app', html`${errorBox(error)}
      ${paragraph('Open de authenticator-app op uw telefoon en vul de code van zes cijfers in die bij de Verwijsindex staat.')}
      ${form('/portal/inloggen/code', kit.csrf(res), html`
        ${textField({ name: 'code', label: 'Code (6 cijfers)', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 7, required: true })}
        ${button('Controleren')}`)}
      ${paragraph(html`<a class="utrecht-link" href="/portal/inloggen">Opnieuw inloggen</a>`)}`, status);
  }

  r.get('/inloggen/code', (req, res) => {
    if (state(res).session?.stage !== 'password') return res.redirect(303, '/portal/inloggen');
    codePage(req, res);
  });

  r.post('/inloggen/code', async (req, res) => {
    const session = state(res).session!;
    if (session.stage !== 'password' || !session.account_id) return res.redirect(303, '/portal/inloggen');
    try {
      await accounts.checkCode(session.account_id, codeBody.parse(req.body ?? {}).code, ip(req));
    } catch (err) {
      return codeRefused(req, res, session, err, codePage);
    }
    activate(req, res, session.account_id, 'U bent ingelogd.');
  });

  function setupPage(req: Request, res: Response, error: string | null = null, username = '', status = 200): void {
    ensureSession(res);
    kit.render(req, res, 'Account instellen', html`${errorBox(error)}
      ${paragraph('U hebt van de functioneel beheerder een gebruikersnaam en een eenmalige code gekregen. Kies hier uw wachtwoord; daarna koppelt u een authenticator-app als tweede stap bij het inloggen.')}
      ${form('/portal/account/instellen', kit.csrf(res), html`
        ${textField({ name: 'gebruikersnaam', label: 'Gebruikersnaam', value: username, autocomplete: 'username', required: true })}
        ${textField({ name: 'instelcode', label: 'Eenmalige code', description: 'Bijvoorbeeld ABCD-EFGH-JKLM-NPQR.', autocomplete: 'off', required: true })}
        ${textField({ name: 'wachtwoord', label: 'Nieuw wachtwoord', type: 'password', autocomplete: 'new-password', description: 'Ten minste 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden.', required: true })}
        ${textField({ name: 'herhaling', label: 'Herhaal het nieuwe wachtwoord', type: 'password', autocomplete: 'new-password', required: true })}
        ${button('Verder')}`)}`, status);
  }

  r.get('/account/instellen', (req, res) => setupPage(req, res));

  r.post('/account/instellen', async (req, res) => {
    const body = setupBody.parse(req.body ?? {});
    const session = ensureSession(res);
    try {
      const ok = await accounts.checkSetupCode(body.gebruikersnaam, body.instelcode, body.wachtwoord, body.herhaling, ip(req));
      sessions.pending(session, 'enrol', ok.accountId, ctx.vault.seal(newTotpSecret()), ok.passwordHash);
      res.redirect(303, '/portal/account/tweede-factor');
    } catch (err) {
      if (!(err instanceof LoginRefused)) throw err;
      setupPage(req, res, err.message, body.gebruikersnaam, statusOf(err));
    }
  });

  function enrolPage(req: Request, res: Response, error: string | null = null, status = 200): void {
    const session = state(res).session!;
    const account = accounts.byId(session.account_id!)!;
    const secret = ctx.vault.open(session.pending_secret!);
    const uri = totpUri(secret, `Verwijsindex ${kit.regionName}`, account.username);
    kit.render(req, res, 'Tweede stap instellen', html`${errorBox(error)}
      ${paragraph('Bij elke keer inloggen vraagt de verwijsindex, naast uw wachtwoord, een code uit een authenticator-app op uw telefoon (bijvoorbeeld de app van uw organisatie, Microsoft Authenticator of Google Authenticator).')}
      <ol class="utrecht-ordered-list">
        <li class="utrecht-ordered-list__item">Kies in de app voor een nieuw account en “sleutel invoeren”.</li>
        <li class="utrecht-ordered-list__item">Vul deze geheime sleutel in (tijdgebaseerd): <code class="utrecht-code vir-secret" id="totp-sleutel">${groupSecret(secret)}</code></li>
        <li class="utrecht-ordered-list__item">Vul hieronder de code van zes cijfers in die de app toont.</li>
      </ol>
      ${paragraph(html`Kan uw app een otpauth-adres lezen? Gebruik dan: <code class="utrecht-code vir-uri" id="totp-uri">${uri}</code>`)}
      ${form('/portal/account/tweede-factor', kit.csrf(res), html`
        ${textField({ name: 'code', label: 'Code uit de app (6 cijfers)', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 7, required: true })}
        ${button('Koppelen en inloggen')}`)}`, status);
  }

  r.get('/account/tweede-factor', (req, res) => {
    if (state(res).session?.stage !== 'enrol') return res.redirect(303, '/portal/inloggen');
    enrolPage(req, res);
  });

  r.post('/account/tweede-factor', async (req, res) => {
    const session = state(res).session!;
    if (session.stage !== 'enrol' || !session.account_id || !session.pending_secret) return res.redirect(303, '/portal/inloggen');
    try {
      const secret = ctx.vault.open(session.pending_secret);
      await accounts.completeEnrolment(session.account_id, secret, codeBody.parse(req.body ?? {}).code, session.pending_password_hash, ip(req));
    } catch (err) {
      return codeRefused(req, res, session, err, enrolPage);
    }
    activate(req, res, session.account_id, 'Uw account is ingesteld en u bent ingelogd.');
  });

  r.post('/uitloggen', (req, res) => {
    const st = state(res);
    if (st.principal) ctx.audit.record({ ...principalAudit(st.principal), action: 'portal.logout', objectType: 'portal-account', objectId: st.principal.accountId, outcome: 'ok' }, ctx.now());
    if (st.session) sessions.end(res, st.session);
    st.session = sessions.anonymous(res, { kind: 'info', text: 'U bent uitgelogd.' });
    st.principal = null;
    res.redirect(303, '/portal/inloggen');
  });

  return r;
}
