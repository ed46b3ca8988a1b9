import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { ageFromTurns23, INFORMED_PARTIES, INFORMING_METHODS, partiesToInform, type InformedParty } from '../domain/informing.js';
import { PROFESSIONAL_REMOVAL_REASONS } from '../domain/removal.js';
import { today } from '../services/context.js';
import { badge, button, checkbox, dataList, errorSummary, fieldset, form, heading2, link, paragraph, parseForm, selectField, table, textField, type FieldErrors } from './forms.js';
import { html } from './html.js';
import { errorText, formatDate, formatMoment, INFORMED_PARTY_LABELS, INFORMING_METHOD_LABELS, REMOVAL_REASON_LABELS, RISK_CRITERIA, shortRef, SIGNAL_STATUS_LABELS } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';

/** Signals in the portal: register one (the twelve risks attested, not stored), list one's own, extend, remove, record informing. */
const many = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const optionalDate = z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul een datum in als dd-mm-jjjj.').optional());

const registerForm = z.object({
  bsn: z.string({ error: 'Vul het BSN in.' }).transform((v) => v.replace(/[\s.]/g, '')).pipe(z.string().regex(/^\d{9}$/, 'Vul de 9 cijfers van het BSN in.')),
  geboortedatum: z.string({ error: 'Vul de geboortedatum in.' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul de geboortedatum in.'),
  gemeente: z.string({ error: 'Kies de gemeente.' }).regex(/^\d{4}$/, 'Kies de gemeente.'),
  risico: many.pipe(z.array(z.enum(RISK_CRITERIA.map((r) => r.code) as [string, ...string[]], { error: 'Kies alleen risico’s uit de lijst.' })).min(1, 'Kruis ten minste één risico aan waarvan u een redelijk vermoeden hebt.')),
  verwijderdatum: optionalDate,
});
const extendForm = z.object({ verwijderdatum: optionalDate });
const removeForm = z.object({ reden: z.enum(PROFESSIONAL_REMOVAL_REASONS, { error: 'Kies een reden.' }) });
const informForm = z.object({
  datum: z.string({ error: 'Vul de datum in.' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Vul de datum in.'),
  wijze: z.enum(INFORMING_METHODS, { error: 'Kies hoe u informeerde.' }),
  wie: many.pipe(z.array(z.enum(INFORMED_PARTIES))),
});

const FIELD_OF_CODE: Record<string, string> = {
  INVALID_BSN: 'bsn', UNKNOWN_BSN: 'bsn', DECEASED: 'bsn', BRP_REQUEST_REFUSED: 'bsn', INVALID_BIRTH_DATE: 'geboortedatum', BIRTH_DATE_IN_FUTURE: 'geboortedatum', TOO_OLD: 'geboortedatum',
  UNKNOWN_MUNICIPALITY: 'gemeente', LEGAL_GROUND_NOT_CONFIRMED: 'risico', INVALID_REMOVAL_DATE: 'verwijderdatum',
  REMOVAL_DATE_IN_PAST: 'verwijderdatum', REMOVAL_DATE_TOO_LATE: 'verwijderdatum',
};
const LABELS = { bsn: 'BSN', geboortedatum: 'Geboortedatum', gemeente: 'Gemeente', risico: 'Risico', verwijderdatum: 'Verwijderdatum' };

export function signalRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;
  const municipalities = () => (s.covenant.listMunicipalities() as { code: string; name: string }[]).map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }));
  const municipalityName = (code: string) => municipalities().find((m) => m.value === code)?.label ?? code;

  function registerPage(req: Request, res: Response, values: Record<string, unknown> = {}, errors: FieldErrors = {}, status = 200): void {
    const checked = new Set(Array.isArray(values.risico) ? (values.risico as string[]) : values.risico ? [String(values.risico)] : []);
    kit.render(req, res, 'Nieuwe melding', html`
      ${errorSummary(errors, LABELS)}
      ${paragraph('Meld een jeugdige (jonger dan 23) als u een redelijk vermoeden hebt dat die bedreigd wordt door een van de risico’s uit de wet. De verwijsindex bewaart alleen dát u betrokken bent: geen inhoud en niet welk risico.')}
      ${form('/portal/meldingen/nieuw', kit.csrf(res), html`
        ${textField({ name: 'bsn', label: 'BSN van de jeugdige', value: String(values.bsn ?? ''), inputmode: 'numeric', autocomplete: 'off', maxlength: 11, required: true, error: errors.bsn })}
        ${textField({ name: 'geboortedatum', label: 'Geboortedatum', type: 'date', value: String(values.geboortedatum ?? ''), autocomplete: 'off', required: true, error: errors.geboortedatum })}
        ${selectField({ name: 'gemeente', label: 'Gemeente waar de jeugdige woont', options: municipalities(), value: String(values.gemeente ?? ''), placeholder: 'Kies een gemeente', required: true, error: errors.gemeente })}
        ${fieldset('Welk risico vermoedt u? (artikel 7.1.4.1 Jeugdwet)', RISK_CRITERIA.map((c) => checkbox({ name: 'risico', value: c.code, id: `risico-${c.code}`, label: `${c.code}. ${c.label}`, checked: checked.has(c.code) })), {
          id: 'risico',
          description: 'Kruis aan wat op deze jeugdige van toepassing is. Hiermee verklaart u dat u een redelijk vermoeden hebt. Wat u aankruist wordt niet opgeslagen.',
          error: errors.risico,
        })}
        ${textField({ name: 'verwijderdatum', label: 'Verwijderdatum (niet verplicht)', type: 'date', value: String(values.verwijderdatum ?? ''), description: 'Leeg laten: de melding vervalt na twee jaar, of eerder op de 23e verjaardag.', error: errors.verwijderdatum })}
        ${button('Melding registreren')}`)}`, status);
  }

  r.get('/meldingen/nieuw', (req, res) => registerPage(req, res));

  r.post('/meldingen/nieuw', async (req, res) => {
    const p = principalOf(res, 'professional');
    const parsed = parseForm(registerForm, req.body);
    if (!parsed.ok) return registerPage(req, res, req.body, parsed.errors, 422);
    const f = parsed.data;
    let result;
    try {
      // As through the API: the population register is asked first, when there is one (verification.register).
      result = await s.verification.register(p.actor, { bsn: f.bsn, birthDate: f.geboortedatum, municipality: f.gemeente, legalGroundConfirmed: f.risico.length > 0, removalDate: f.verwijderdatum });
    } catch (err) {
      if (err instanceof AppError && FIELD_OF_CODE[err.code]) return registerPage(req, res, req.body, { [FIELD_OF_CODE[err.code]]: errorText(err) }, 422);
      throw err;
    }
    const text = result.status === 200
      ? 'U had al een actieve melding over deze jeugdige. Die ziet u hier.'
      : result.signal.matchId ? 'Uw melding is geregistreerd. Er is een match: een andere professional heeft ook een melding over deze jeugdige.' : 'Uw melding is geregistreerd.';
    kit.redirect(res, `/portal/meldingen/${result.signal.id}`, { kind: 'ok', text });
  });

  r.get('/meldingen', (req, res) => {
    const p = principalOf(res, 'professional');
    const list = s.signals.list(p.actor);
    kit.render(req, res, 'Mijn meldingen', html`
      <p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="/portal/meldingen/nieuw">Nieuwe melding doen</a></p>
      ${table('Uw meldingen, nieuwste eerst', ['Melding', 'Gemeente', 'Gemeld op', 'Status', 'Verwijderdatum', 'Match'],
        list.map((x) => [
          link(`/portal/meldingen/${x.id}`, `Melding ${shortRef(x.id)}`), municipalityName(x.municipality), formatMoment(x.registeredAt, kit.timeZone),
          x.status === 'active' ? badge('Actief', 'active') : SIGNAL_STATUS_LABELS[x.status], formatDate(x.removalDate),
          x.matchId ? link(`/portal/matches/${x.matchId}`, `Match ${shortRef(x.matchId)}`) : 'Geen',
        ]),
        'U hebt nog geen meldingen gedaan.')}`);
  });

  r.get('/meldingen/:id', (req, res) => {
    const p = principalOf(res, 'professional');
    const signal = s.signals.get(p.actor, req.params.id);
    const active = signal.status === 'active';
    const bsn = signal.status !== 'removed' ? s.portal.queries.maskedBsn(p.actor, signal.id) : null;
    const informing = s.portal.queries.informingOf(p.actor.professionalId, signal.id);
    const day = today(s.ctx);
    const turns23 = active ? s.portal.queries.turns23On(p.actor.professionalId, signal.id) : null;
    const derived: InformedParty[] = turns23 ? partiesToInform(ageFromTurns23(turns23, day)) : [];
    const base = `/portal/meldingen/${signal.id}`;
    kit.render(req, res, `Melding ${shortRef(signal.id)}`, html`
      ${dataList([
        ['BSN', bsn ?? 'Niet meer bewaard'],
        ['Gemeente', municipalityName(signal.municipality)],
        ['Status', SIGNAL_STATUS_LABELS[signal.status]],
        ['Gemeld op', formatMoment(signal.registeredAt, kit.timeZone)],
        ...(active ? [['Verwijderdatum', formatDate(signal.removalDate)] as [string, string]] : [['Verwijderd op', formatMoment(signal.removedAt ?? null, kit.timeZone)] as [string, string], ['Reden', REMOVAL_REASON_LABELS[signal.removalReason ?? ''] ?? '—'] as [string, string]]),
        ['Match', signal.matchId ? link(`/portal/matches/${signal.matchId}`, `Bekijk match ${shortRef(signal.matchId)}`) : 'Geen match'],
        ['Informatieplicht', informing ? `Geïnformeerd op ${formatDate(informing.informedOn)}: ${informing.informed.map((x) => INFORMED_PARTY_LABELS[x] ?? x).join(' en ')} (${(INFORMING_METHOD_LABELS[informing.method] ?? informing.method).toLowerCase()})` : 'Nog niet vastgelegd'],
      ])}
      ${active ? html`
      <section aria-labelledby="informeren">${heading2('Informatieplicht vastleggen', 'informeren')}
      ${paragraph('Leg vast dat u de jeugdige en/of de wettelijk vertegenwoordiger over de melding hebt geïnformeerd (artikel 7.1.5.1 Jeugdwet).')}
      ${form(`${base}/informeren`, kit.csrf(res), html`
        ${textField({ name: 'datum', label: 'Datum van informeren', type: 'date', value: informing?.informedOn ?? day, required: true })}
        ${selectField({ name: 'wijze', label: 'Hoe informeerde u?', options: INFORMING_METHODS.map((m) => ({ value: m, label: INFORMING_METHOD_LABELS[m] })), value: informing?.method ?? 'in-person' })}
        ${fieldset('Wie hebt u geïnformeerd?', INFORMED_PARTIES.map((x) => checkbox({ name: 'wie', value: x, id: `wie-${x}`, label: INFORMED_PARTY_LABELS[x], checked: (informing?.informed ?? derived).includes(x) })), {
          id: 'wie', description: `Bij deze leeftijd informeert u volgens de wet: ${derived.map((x) => INFORMED_PARTY_LABELS[x]).join(' en ')}.`,
        })}
        ${button('Informeren vastleggen')}`)}
      </section>
      <section aria-labelledby="verlengen">${heading2('Verlengen', 'verlengen')}
      ${form(`${base}/verlengen`, kit.csrf(res), html`
        ${textField({ name: 'verwijderdatum', label: 'Nieuwe verwijderdatum (niet verplicht)', type: 'date', description: 'Leeg laten: de langste termijn die de wet toestaat (twee jaar vanaf vandaag, nooit na de 23e verjaardag).' })}
        ${button('Melding verlengen', 'secondary')}`)}
      </section>
      <section aria-labelledby="verwijderen">${heading2('Verwijderen', 'verwijderen')}
      ${paragraph('Alleen een melding die vervalt omdat het risico is weggenomen gaat vijf jaar naar het archief. Een onterechte melding wordt helemaal verwijderd.')}
      ${form(`${base}/verwijderen`, kit.csrf(res), html`
        ${selectField({ name: 'reden', label: 'Reden van verwijderen', options: PROFESSIONAL_REMOVAL_REASONS.map((x) => ({ value: x, label: REMOVAL_REASON_LABELS[x] })), placeholder: 'Kies een reden' })}
        ${button('Melding verwijderen', 'secondary')}`)}
      </section>` : ''}
      ${paragraph(link('/portal/meldingen', 'Terug naar mijn meldingen'))}`);
  });

  r.post('/meldingen/:id/verlengen', (req, res) => {
    const p = principalOf(res, 'professional');
    const back = `/portal/meldingen/${req.params.id}`;
    const f = parseForm(extendForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: Object.values(f.errors)[0] });
    kit.attempt(res, back, () => s.signals.extend(p.actor, req.params.id, f.data.verwijderdatum), 'De melding is verlengd.');
  });

  r.post('/meldingen/:id/verwijderen', (req, res) => {
    const p = principalOf(res, 'professional');
    const back = `/portal/meldingen/${req.params.id}`;
    const f = parseForm(removeForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: 'Kies een reden om de melding te verwijderen.' });
    kit.attempt(res, back, () => s.signals.remove(p.actor, req.params.id, f.data.reden), 'De melding is verwijderd.');
  });

  r.post('/meldingen/:id/informeren', (req, res) => {
    const p = principalOf(res, 'professional');
    const back = `/portal/meldingen/${req.params.id}`;
    const f = parseForm(informForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: Object.values(f.errors)[0] });
    kit.attempt(res, back, () => s.informing.record(p.actor, req.params.id, { informedOn: f.data.datum, method: f.data.wijze, informed: f.data.wie }), 'Vastgelegd dat u hebt geïnformeerd.');
  });

  return r;
}
