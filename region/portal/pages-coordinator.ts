import { Router, type Request, type Response } from 'express';
import { mayHoldBsn } from '../domain/bsn.js';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { badge, button, dataList, form, heading2, link, paragraph, parseForm, selectField, table, textField } from './forms.js';
import { html } from './html.js';
import { errorText, formatMoment } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';

/**
 * The institution's coordinator (7.1.3.3): their institution's professionals (authorise,
 * deauthorise, hand a leaving professional's signals to a colleague) and the API keys of the
 * institution's case system. Only their own institution: every call names it from the session.
 */
const authoriseForm = z.object({ bevoegd: z.enum(['ja', 'nee']) });
const handoverForm = z.object({ van: z.string().min(1, 'Kies van wie.'), naar: z.string().min(1, 'Kies aan wie.') });
const keyForm = z.object({
  omschrijving: z.string().trim().max(100, 'Hoogstens 100 tekens.').refine((v) => !mayHoldBsn(v), 'De omschrijving bevat een nummer dat een BSN kan zijn. Laat dat weg.').default(''),
});

export function coordinatorStart(kit: PortalKit) {
  return (req: Request, res: Response): void => {
    const p = principalOf(res, 'coordinator');
    const pros = kit.s.covenant.listProfessionals(p.institutionId);
    const keys = kit.s.covenant.listApiKeys(p.institutionId) as { revoked_at: string | null }[];
    const counts = kit.s.portal.queries.activeSignalCounts(p.institutionId);
    kit.render(req, res, p.institutionName, html`
      ${paragraph('Als coördinator beheert u de professionals van uw instelling en de koppeling met uw cliëntsysteem.')}
      ${dataList([
        ['Professionals', `${pros.length}, waarvan ${pros.filter((x) => x.authorised).length} bevoegd om te melden`],
        ['Actieve meldingen', String([...counts.values()].reduce((a, b) => a + b, 0))],
        ['Actieve API-sleutels', String(keys.filter((k) => !k.revoked_at).length)],
      ])}
      <ul class="utrecht-link-list utrecht-link-list--html-ul">
        <li class="utrecht-link-list__item">${link('/portal/instelling/professionals', 'Professionals: bevoegdheid en overdracht van meldingen')}</li>
        <li class="utrecht-link-list__item">${link('/portal/instelling/api-sleutels', 'API-sleutels van het cliëntsysteem')}</li>
      </ul>`);
  };
}

export function coordinatorRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;

  r.get('/instelling/professionals', (req, res) => {
    const p = principalOf(res, 'coordinator');
    const pros = s.covenant.listProfessionals(p.institutionId);
    const counts = s.portal.queries.activeSignalCounts(p.institutionId);
    const withSignals = pros.filter((x) => (counts.get(x.id) ?? 0) > 0);
    const csrf = kit.csrf(res);
    kit.render(req, res, 'Professionals', html`
      ${paragraph(`De professionals van ${p.institutionName}. Een professional met actieve meldingen kan pas niet meer bevoegd worden als die meldingen zijn overgedragen.`)}
      ${table(`Professionals van ${p.institutionName}`, ['Naam', 'Functie', 'E-mail', 'Actieve meldingen', 'Bevoegd', 'Actie'],
        pros.map((x) => [
          html`${x.name}${x.coordinator ? html` <span class="vir-muted">(coördinator)</span>` : ''}`, x.function, x.email, String(counts.get(x.id) ?? 0),
          x.authorised ? badge('Bevoegd', 'success') : badge('Niet bevoegd', 'neutral'),
          x.id === p.actor.professionalId ? '—' : form(`/portal/instelling/professionals/${x.id}/bevoegdheid`, csrf,
            html`<input type="hidden" name="bevoegd" value="${x.authorised ? 'nee' : 'ja'}">${button(x.authorised ? `Bevoegdheid van ${x.name} intrekken` : `${x.name} bevoegd maken`, 'secondary')}`),
        ]))}
      <section aria-labelledby="overdracht">${heading2('Meldingen overdragen', 'overdracht')}
      ${paragraph('Gaat een professional weg? Draag dan al zijn of haar actieve meldingen over aan een bevoegde collega. Plaatsen in matches en de rol van regievoerder gaan mee; alle betrokkenen krijgen bericht.')}
      ${withSignals.length === 0 ? paragraph('Geen professional heeft nu actieve meldingen.') : form('/portal/instelling/overdracht', csrf, html`
        ${selectField({ name: 'van', label: 'Meldingen van', options: withSignals.map((x) => ({ value: x.id, label: `${x.name} (${counts.get(x.id)} actief)` })), placeholder: 'Kies een professional' })}
        ${selectField({ name: 'naar', label: 'Overdragen aan', options: pros.filter((x) => x.authorised).map((x) => ({ value: x.id, label: x.name })), placeholder: 'Kies een collega' })}
        ${button('Meldingen overdragen')}`)}
      </section>`);
  });

  r.post('/instelling/professionals/:pid/bevoegdheid', (req, res) => {
    const p = principalOf(res, 'coordinator');
    const back = '/portal/instelling/professionals';
    const f = parseForm(authoriseForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: 'Kies of de professional bevoegd is (ja of nee).' });
    if (req.params.pid === p.actor.professionalId) return kit.redirect(res, back, { kind: 'error', text: 'U kunt uw eigen bevoegdheid niet wijzigen.' });
    const yes = f.data.bevoegd === 'ja';
    kit.attempt(res, back, () => s.covenant.setAuthorised(p.actor, p.institutionId, req.params.pid, yes), yes ? 'De professional is bevoegd gemaakt.' : 'De bevoegdheid is ingetrokken.');
  });

  r.post('/instelling/overdracht', (req, res) => {
    const p = principalOf(res, 'coordinator');
    const back = '/portal/instelling/professionals';
    const f = parseForm(handoverForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: 'Kies van wie en aan wie u de meldingen overdraagt.' });
    try {
      const result = s.handover.handOver(p.actor, p.institutionId, f.data.van, f.data.naar);
      kit.redirect(res, back, { kind: 'ok', text: `${result.signals.length} melding(en) overgedragen.` });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return kit.redirect(res, back, { kind: 'error', text: errorText(err) });
      throw err;
    }
  });

  function keysPage(req: Request, res: Response, created: { key: string } | null = null, status = 200): void {
    const p = principalOf(res, 'coordinator');
    const keys = s.covenant.listApiKeys(p.institutionId) as { id: string; label: string | null; created_at: string; revoked_at: string | null }[];
    const csrf = kit.csrf(res);
    kit.render(req, res, 'API-sleutels', html`
      ${created ? html`<div class="utrecht-alert utrecht-alert--ok vir-flash" role="status"><div class="utrecht-alert__content">
        <p class="utrecht-paragraph">De nieuwe sleutel staat hieronder. Kopieer hem nu naar het cliëntsysteem: hij wordt niet nog eens getoond.</p>
        <p class="utrecht-paragraph"><code class="utrecht-code vir-secret" id="nieuwe-sleutel">${created.key}</code></p></div></div>` : ''}
      ${paragraph(`Met een API-sleutel meldt het cliëntsysteem van ${p.institutionName} namens zijn professionals. Trek een sleutel in als die misschien is uitgelekt.`)}
      ${table('API-sleutels van uw instelling', ['Omschrijving', 'Aangemaakt', 'Status', 'Actie'],
        keys.map((k) => [
          k.label ?? '(geen omschrijving)', formatMoment(k.created_at, kit.timeZone),
          k.revoked_at ? `Ingetrokken ${formatMoment(k.revoked_at, kit.timeZone)}` : badge('Actief', 'success'),
          k.revoked_at ? '—' : form(`/portal/instelling/api-sleutels/${k.id}/intrekken`, csrf, button(`Sleutel ${k.label ?? ''} intrekken`.replace(/\s+/g, ' '), 'secondary')),
        ]),
        'Uw instelling heeft nog geen API-sleutels.')}
      <section aria-labelledby="nieuw">${heading2('Nieuwe sleutel', 'nieuw')}
      ${form('/portal/instelling/api-sleutels', csrf, html`
        ${textField({ name: 'omschrijving', label: 'Omschrijving', description: 'Bijvoorbeeld de naam van het cliëntsysteem en de omgeving.', maxlength: 100 })}
        ${button('Sleutel aanmaken')}`)}
      </section>`, status);
  }

  r.get('/instelling/api-sleutels', (req, res) => keysPage(req, res));

  r.post('/instelling/api-sleutels', (req, res) => {
    const p = principalOf(res, 'coordinator');
    const f = parseForm(keyForm, req.body);
    if (!f.ok) return kit.redirect(res, '/portal/instelling/api-sleutels', { kind: 'error', text: f.errors.omschrijving ?? 'Gebruik een kortere omschrijving.' });
    const created = s.covenant.createApiKey(p.actor, p.institutionId, f.data.omschrijving || null);
    keysPage(req, res, created, 201);
  });

  r.post('/instelling/api-sleutels/:keyId/intrekken', (req, res) => {
    const p = principalOf(res, 'coordinator');
    kit.attempt(res, '/portal/instelling/api-sleutels', () => s.covenant.revokeApiKey(p.actor, p.institutionId, req.params.keyId), 'De sleutel is ingetrokken.');
  });

  return r;
}
