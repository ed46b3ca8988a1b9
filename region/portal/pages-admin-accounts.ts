import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { portalCookieSecure } from '../../config/load.js';
import { AppError } from '../errors.js';
import { PORTAL_ROLES, type AccountInput } from './accounts.js';
import { badge, button, dataList, errorSummary, form, heading2, paragraph, parseForm, selectField, table, textField, type FieldErrors } from './forms.js';
import { html } from './html.js';
import { errorText, formatMoment, ROLE_LABELS } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';

/** The covenant administrator: portal accounts (with one-time setup codes), the configuration, and the connections (national index, e-mail). */
const accountForm = z.object({
  rol: z.enum(PORTAL_ROLES, { error: 'Kies een rol.' }),
  professional: z.string().default(''),
  gemeente: z.string().default(''),
  naam: z.string().trim().max(200, 'Hoogstens 200 tekens.').default(''),
  gebruikersnaam: z.string().trim().max(200).default('').refine((v) => v === '' || /^[A-Za-z0-9._@+-]{3,200}$/.test(v), 'Gebruik 3 tot 200 letters, cijfers of . _ @ + -'),
});
const STATE_LABELS: Record<string, [string, 'success' | 'warning' | 'danger' | 'neutral']> = {
  active: ['Actief', 'success'], 'awaiting-setup': ['Wacht op instellen', 'warning'], locked: ['Geblokkeerd', 'danger'], disabled: ['Uitgeschakeld', 'neutral'],
};

export function adminAccountRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;

  function professionals() {
    return (s.covenant.listInstitutions() as { id: string; name: string }[]).flatMap((i) =>
      s.covenant.listProfessionals(i.id).map((p) => ({ value: p.id, label: `${p.name} – ${i.name}${p.coordinator ? ' (coördinator)' : ''}` })),
    );
  }

  function accountsPage(req: Request, res: Response, o: { values?: Record<string, unknown>; errors?: FieldErrors; created?: { username: string; setupCode: string; setupExpiresAt: string } } = {}, status = 200): void {
    principalOf(res, 'admin');
    const errors = o.errors ?? {};
    const v = (k: string): string => String(o.values?.[k] ?? '');
    const pros = professionals();
    const proName = new Map(pros.map((p) => [p.value, p.label]));
    const csrf = kit.csrf(res);
    kit.render(req, res, 'Accounts', html`
      ${o.created ? html`<div class="utrecht-alert utrecht-alert--ok vir-flash" role="status"><div class="utrecht-alert__content">
        <p class="utrecht-paragraph">Geef deze gegevens aan de gebruiker (bij voorkeur de code via een ander kanaal dan de gebruikersnaam). De code is eenmalig en geldig tot ${formatMoment(o.created.setupExpiresAt, kit.timeZone)}.</p>
        ${dataList([['Gebruikersnaam', html`<code class="utrecht-code" id="nieuwe-gebruikersnaam">${o.created.username}</code>`], ['Eenmalige code', html`<code class="utrecht-code vir-secret" id="instelcode">${o.created.setupCode}</code>`], ['Instellen via', `${s.ctx.config.mail.portalBaseUrl.replace(/\/+$/, '')}/portal/account/instellen`]])}
      </div></div>` : ''}
      ${paragraph('Elke gebruiker logt in met wachtwoord en een code uit een authenticator-app. Een nieuw account krijgt een eenmalige code; daarmee stelt de gebruiker bij de eerste keer beide in. Een nieuwe code maakt het oude wachtwoord en de gekoppelde app ongeldig (bijvoorbeeld bij een verloren telefoon).')}
      ${table('Accounts van het portaal', ['Gebruikersnaam', 'Rol', 'Voor', 'Status', 'Laatst ingelogd', 'Acties'],
        s.portal.accounts.list().map((a) => {
          const [label, kind] = STATE_LABELS[a.state];
          return [
            a.username, ROLE_LABELS[a.role], a.professionalId ? proName.get(a.professionalId) ?? '—' : a.municipality ? `Gemeente ${a.municipality}${a.name ? `: ${a.name}` : ''}` : a.name ?? '—',
            badge(label, kind), formatMoment(a.lastLoginAt, kit.timeZone),
            html`${form(`/portal/beheer/accounts/${a.id}/instelcode`, csrf, button(`Nieuwe code voor ${a.username}`, 'subtle'))}
              ${a.state === 'locked' ? form(`/portal/beheer/accounts/${a.id}/deblokkeren`, csrf, button(`Deblokkeer ${a.username}`, 'subtle')) : ''}`,
          ];
        }), 'Er zijn nog geen accounts.')}
      <section aria-labelledby="nieuw">${heading2('Nieuw account', 'nieuw')}
      ${errorSummary(errors, { rol: 'Rol', professional: 'Professional', gemeente: 'Gemeente', naam: 'Naam', gebruikersnaam: 'Gebruikersnaam' })}
      ${form('/portal/beheer/accounts', csrf, html`
        ${selectField({ name: 'rol', label: 'Rol', options: PORTAL_ROLES.map((x) => ({ value: x, label: ROLE_LABELS[x] })), value: v('rol'), placeholder: 'Kies een rol', error: errors.rol })}
        ${selectField({ name: 'professional', label: 'Professional (voor professional en coördinator)', options: pros, value: v('professional'), placeholder: 'Kies een professional', error: errors.professional })}
        ${selectField({ name: 'gemeente', label: 'Gemeente (voor de toezichthouder)', options: (s.covenant.listMunicipalities() as { code: string; name: string }[]).map((m) => ({ value: m.code, label: `${m.name} (${m.code})` })), value: v('gemeente'), placeholder: 'Kies een gemeente', error: errors.gemeente })}
        ${textField({ name: 'naam', label: 'Naam (voor toezichthouder en beheerder)', value: v('naam'), error: errors.naam })}
        ${textField({ name: 'gebruikersnaam', label: 'Gebruikersnaam', value: v('gebruikersnaam'), description: 'Leeg laten bij een professional: dan is het e-mailadres de gebruikersnaam.', autocomplete: 'off', error: errors.gebruikersnaam })}
        ${button('Account aanmaken')}`)}
      </section>`, status);
  }

  r.get('/beheer/accounts', (req, res) => accountsPage(req, res));

  r.post('/beheer/accounts', (req, res) => {
    const p = principalOf(res, 'admin');
    const f = parseForm(accountForm, req.body);
    if (!f.ok) return accountsPage(req, res, { values: req.body, errors: f.errors }, 422);
    const d = f.data;
    const errors: FieldErrors = {};
    let input: AccountInput | null = null;
    if (d.rol === 'professional' || d.rol === 'coordinator') {
      if (!d.professional) errors.professional = 'Kies de professional.';
      else input = { role: d.rol, professionalId: d.professional, ...(d.gebruikersnaam ? { username: d.gebruikersnaam } : {}) };
    } else {
      if (!d.naam) errors.naam = 'Vul de naam in.';
      if (!d.gebruikersnaam) errors.gebruikersnaam = 'Vul een gebruikersnaam in.';
      if (d.rol === 'checker' && !d.gemeente) errors.gemeente = 'Kies de gemeente.';
      if (Object.keys(errors).length === 0) input = d.rol === 'checker' ? { role: 'checker', municipality: d.gemeente, name: d.naam, username: d.gebruikersnaam } : { role: 'admin', name: d.naam, username: d.gebruikersnaam };
    }
    if (!input) return accountsPage(req, res, { values: req.body, errors }, 422);
    try {
      const created = s.portal.accounts.create(p.actor, input);
      accountsPage(req, res, { created }, 201);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const field = err.code === 'USERNAME_TAKEN' ? 'gebruikersnaam' : err.code === 'NOT_A_COORDINATOR' || err.code === 'ACCOUNT_EXISTS' ? 'professional' : 'rol';
        const text = err.code === 'NOT_A_COORDINATOR' ? 'Maak deze professional eerst coördinator van de instelling.' : errorText(err);
        return accountsPage(req, res, { values: req.body, errors: { [field]: text } }, 422);
      }
      throw err;
    }
  });

  r.post('/beheer/accounts/:id/instelcode', (req, res) => {
    const p = principalOf(res, 'admin');
    accountsPage(req, res, { created: s.portal.accounts.resetSetup(p.actor, req.params.id) }, 201);
  });

  r.post('/beheer/accounts/:id/deblokkeren', (req, res) => {
    const p = principalOf(res, 'admin');
    kit.attempt(res, '/portal/beheer/accounts', () => s.portal.accounts.unlock(p.actor, req.params.id), 'Het account is gedeblokkeerd.');
  });

  r.get('/beheer/configuratie', (req, res) => {
    principalOf(res, 'admin');
    const c = s.ctx.config;
    kit.render(req, res, 'Configuratie', html`
      ${paragraph('De instellingen waarmee deze verwijsindex draait. U wijzigt ze in het configuratiebestand of met omgevingsvariabelen (zie docs/operations.md); daarna herstart u de verwijsindex.')}
      ${dataList([
        ['Convenantgebied', `${c.region.name} (${c.region.id})`],
        ['Modus', c.mode === 'production' ? 'productie' : 'ontwikkeling'],
        ['Tijdzone', c.timeZone],
        ['Nachtelijke verwijderronde', c.lifecycle.schedule],
        ['Herinnering informatieplicht na', `${c.lifecycle.informingReminderDays} dagen`],
        ['Toezicht: niet afgestemd na', `${c.coordination.checkAfterDays} dagen`],
        ['Beslisregel regievoerder', c.coordination.categoryOrder.length ? c.coordination.categoryOrder.join(', ') : 'geen (deelnemers kiezen zelf)'],
        ['Sessie verloopt na', `${c.portal.idleMinutes} minuten zonder activiteit (hoogstens ${c.portal.maxSessionHours} uur)`],
        ['Blokkeren na', `${c.portal.maxFailedLogins} mislukte pogingen, voor ${c.portal.lockoutMinutes} minuten`],
        ['Beveiligde cookies (Secure)', portalCookieSecure(c) ? 'ja' : 'nee (alleen voor lokaal http)'],
        ['E-mail', c.mail.enabled ? `aan, via ${c.mail.smtp.host}:${c.mail.smtp.port}, afzender ${c.mail.from}` : 'uit'],
        ['Adres van het portaal in e-mails', c.mail.portalBaseUrl],
      ])}`);
  });

  r.get('/beheer/koppelingen', (req, res) => {
    principalOf(res, 'admin');
    const con = s.portal.queries.connector();
    const mail = s.mailQueue.stats();
    const csrf = kit.csrf(res);
    kit.render(req, res, 'Koppelingen', html`
      <section aria-labelledby="landelijk">${heading2('Landelijke verwijsindex (connector)', 'landelijk')}
      ${dataList([
        ['Nog te versturen', String(con.counts.pending ?? 0)], ['Afgeleverd', String(con.counts.delivered ?? 0)],
        ['Niet af te leveren (dead letters)', String(con.counts.dead ?? 0)], ['Laatst afgeleverd', formatMoment(con.counts.last_delivered, kit.timeZone)],
        ...con.sync.map((x) => [`Synchronisatie: ${x.key}`, x.value] as [string, string]),
      ])}
      ${table('Berichten aan de landelijke verwijsindex die niet af te leveren waren', ['Nummer', 'Soort', 'Pogingen', 'Opgegeven op', 'Reden'],
        con.dead.map((d) => [String(d.seq), d.kind, String(d.attempts), formatMoment(d.dead_at, kit.timeZone), d.dead_code ?? d.last_error ?? '—']), 'Geen dead letters.')}
      </section>
      <section aria-labelledby="email">${heading2('E-mail', 'email')}
      ${dataList([['E-mail', s.ctx.config.mail.enabled ? 'aan' : 'uit'], ['In de wachtrij', String(mail.queued)], ['Verstuurd', String(mail.sent)], ['Niet te bezorgen', String(mail.dead)], ['Laatst verstuurd', formatMoment(mail.lastSent, kit.timeZone)]])}
      ${table('E-mails die niet te bezorgen waren', ['Nummer', 'Onderwerp', 'Pogingen', 'Opgegeven op', 'Fout', 'Actie'],
        s.mailQueue.deadLetters().map((m) => [String(m.id), m.subject, String(m.attempts), formatMoment(m.dead_at, kit.timeZone), (m.last_error ?? '').split(':')[0],
          form(`/portal/beheer/koppelingen/mail/${m.id}/opnieuw`, csrf, button(`E-mail ${m.id} opnieuw versturen`, 'subtle'))]), 'Geen onbezorgbare e-mails.')}
      </section>`);
  });

  r.post('/beheer/koppelingen/mail/:id/opnieuw', (req, res) => {
    const p = principalOf(res, 'admin');
    const ok = s.mailQueue.retryDead(Number(req.params.id));
    if (ok) s.ctx.audit.record({ actorKind: 'admin', actorId: p.actor.tokenId, action: 'mail.retry', objectType: 'mail', objectId: req.params.id, outcome: 'ok' }, s.ctx.now());
    kit.redirect(res, '/portal/beheer/koppelingen', ok ? { kind: 'ok', text: 'De e-mail staat weer in de wachtrij.' } : { kind: 'error', text: 'Deze e-mail staat niet (meer) bij de onbezorgbare.' });
  });

  return r;
}
