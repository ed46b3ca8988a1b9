import { Router, type Request, type Response } from 'express';
import { mayHoldBsn } from '../domain/bsn.js';
import { z } from 'zod';
import { ESCALATION_OUTCOMES } from '../services/checker.js';
import { badge, button, dataList, form, heading2, link, paragraph, parseForm, selectField, table, textArea } from './forms.js';
import { html } from './html.js';
import { ESCALATION_OUTCOME_LABELS, formatDate, formatMoment, MATCH_STATUS_LABELS, shortRef } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';
import { contactCells, coordinationBadge } from './pages-matches.js';
import { describeNotice, noticeTitle } from './notice-view.js';

/**
 * The municipality's checker (7.1.3.2): matches in their municipality, which of them are not
 * coordinated in time, escalations and their outcomes. Never a BSN; only their own municipality.
 */
const noteText = z.string().trim().max(1000, 'Hoogstens 1000 tekens.')
  .refine((v) => !mayHoldBsn(v), 'De notitie bevat een nummer dat een BSN kan zijn. Laat BSN\'s en namen van jeugdigen weg.').default('');
const escalateForm = z.object({ notitie: noteText });
const outcomeForm = z.object({ uitkomst: z.enum(ESCALATION_OUTCOMES, { error: 'Kies een uitkomst.' }), notitie: noteText, match: z.string().regex(/^[0-9a-f-]{36}$/) });

export function checkerStart(kit: PortalKit) {
  return (req: Request, res: Response): void => {
    const p = principalOf(res, 'checker');
    const overdue = kit.s.checker.overdue(p.actor);
    const open = kit.s.portal.queries.escalations(p.municipality).filter((e) => !e.resolved_at);
    const days = kit.s.ctx.config.coordination.checkAfterDays;
    kit.render(req, res, `Toezicht ${p.municipalityName}`, html`
      ${paragraph(`De gemeente ziet erop toe dat professionals met een match ook echt contact met elkaar opnemen. Hier ziet u de matches in ${p.municipalityName} die ${days} dagen na het ontstaan nog niet zijn afgestemd.`)}
      <section aria-labelledby="te-laat">${heading2(`Niet op tijd afgestemd (${overdue.length})`, 'te-laat')}
      ${table(`Matches die na ${days} dagen nog niet zijn afgestemd`, ['Match', 'Sinds', 'Dagen open', 'Regievoerder', 'Escalaties'],
        overdue.map((m) => [link(`/portal/toezicht/matches/${m.id}`, `Match ${shortRef(m.id)}`), formatDate(m.createdAt), String(m.daysOpen), m.regievoerder?.name ?? 'Nog niet gekozen', String(m.escalations.length)]),
        'Alle matches zijn op tijd afgestemd.')}
      </section>
      <section aria-labelledby="escalaties">${heading2(`Open escalaties (${open.length})`, 'escalaties')}
      ${table('Escalaties zonder uitkomst', ['Match', 'Geëscaleerd op', 'Notitie'],
        open.map((e) => [link(`/portal/toezicht/matches/${e.match_id}`, `Match ${shortRef(e.match_id)}`), formatMoment(e.created_at, kit.timeZone), e.note ?? '—']),
        'Er zijn geen open escalaties.')}
      </section>
      ${paragraph(link('/portal/toezicht/matches', `Alle matches in ${p.municipalityName}`))}`);
  };
}

export function checkerRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;

  r.get('/toezicht/matches', (req, res) => {
    const p = principalOf(res, 'checker');
    const ids = s.portal.queries.municipalityMatchIds(p.municipality);
    const list = ids.map((id) => s.matches.view(id, '')).filter((m) => m !== null);
    s.ctx.audit.record(
      { actorKind: 'checker', actorId: p.actor.tokenId, action: 'checker.matches', objectType: 'match', outcome: 'ok', detail: { municipality: p.municipality, count: list.length } }, s.ctx.now(),
      list.map((m) => ({ type: 'match', id: m.id })),
    );
    kit.render(req, res, `Matches in ${p.municipalityName}`, html`
      ${table(`Matches met een melding in ${p.municipalityName}, nieuwste eerst`, ['Match', 'Sinds', 'Status', 'Professionals', 'Regievoerder', 'Afstemming'],
        list.map((m) => [
          link(`/portal/toezicht/matches/${m.id}`, `Match ${shortRef(m.id)}`), formatDate(m.createdAt), MATCH_STATUS_LABELS[m.status], String(m.participants.length),
          m.regievoerder?.name ?? 'Nog niet gekozen', m.status === 'active' ? coordinationBadge(m.coordinated) : '—',
        ]),
        'Er zijn nog geen matches in deze gemeente.')}`);
  });

  r.get('/toezicht/matches/:id', (req, res) => {
    const p = principalOf(res, 'checker');
    const m = s.checker.match(p.actor, req.params.id);
    const csrf = kit.csrf(res);
    kit.render(req, res, `Match ${shortRef(m.id)}`, html`
      ${dataList([
        ['Status', MATCH_STATUS_LABELS[m.status]],
        ['Match sinds', `${formatMoment(m.createdAt, kit.timeZone)} (${m.daysOpen} dagen)`],
        ['Regievoerder', m.regievoerder ? `${m.regievoerder.name} (${m.regievoerder.institution.name})` : 'Nog niet gekozen'],
        ['Afstemming', coordinationBadge(m.coordinated)],
      ])}
      <section aria-labelledby="professionals">${heading2('Professionals', 'professionals')}
      ${table('Professionals in deze match en of zij contact vastlegden', ['Naam en functie', 'Instelling', 'E-mail', 'Telefoon', 'Contact gelegd'],
        m.participants.map((x) => [...contactCells(x.professional), x.contactMadeAt ? `Ja, ${formatDate(x.contactMadeAt)}` : 'Nog niet']))}
      </section>
      <section aria-labelledby="escalaties">${heading2('Escalaties', 'escalaties')}
      ${table('Escalaties bij deze match', ['Geëscaleerd op', 'Notitie', 'Uitkomst'],
        m.escalations.map((e) => [
          formatMoment(e.createdAt, kit.timeZone), e.note ?? '—',
          e.outcome ? `${ESCALATION_OUTCOME_LABELS[e.outcome] ?? e.outcome} (${formatDate(e.resolvedAt)})` : form(`/portal/toezicht/escalaties/${e.id}/uitkomst`, csrf, html`
            <input type="hidden" name="match" value="${m.id}">
            ${selectField({ name: 'uitkomst', label: 'Uitkomst', idPrefix: `e${e.id.slice(0, 8)}-`, options: ESCALATION_OUTCOMES.map((o) => ({ value: o, label: ESCALATION_OUTCOME_LABELS[o] })), placeholder: 'Kies een uitkomst' })}
            ${textArea({ name: 'notitie', label: 'Notitie (niet verplicht, geen namen van jeugdigen)', idPrefix: `e${e.id.slice(0, 8)}-`, maxlength: 1000 })}
            ${button('Uitkomst vastleggen', 'secondary')}`),
        ]),
        'Er is nog niet geëscaleerd.')}
      ${m.status === 'active' && !m.coordinated ? html`${heading2('Escaleren')}
        ${form(`/portal/toezicht/matches/${m.id}/escalaties`, csrf, html`
          ${textArea({ name: 'notitie', label: 'Notitie (niet verplicht, geen namen van jeugdigen)', maxlength: 1000 })}
          ${button('Escalatie vastleggen')}`)}` : ''}
      </section>
      ${paragraph(link('/portal/toezicht/matches', 'Terug naar de matches'))}`);
  });

  r.post('/toezicht/matches/:id/escalaties', (req, res) => {
    const p = principalOf(res, 'checker');
    const back = `/portal/toezicht/matches/${req.params.id}`;
    const f = parseForm(escalateForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: f.errors.notitie ?? 'De notitie kon niet gelezen worden.' });
    kit.attempt(res, back, () => s.checker.escalate(p.actor, req.params.id, f.data.notitie || null), 'De escalatie is vastgelegd.');
  });

  r.post('/toezicht/escalaties/:eid/uitkomst', (req, res) => {
    const p = principalOf(res, 'checker');
    const f = parseForm(outcomeForm, req.body);
    // Back to the match also when the form is refused (its id is checked on its own).
    const match = typeof (req.body as { match?: unknown })?.match === 'string' && /^[0-9a-f-]{36}$/.test((req.body as { match: string }).match) ? (req.body as { match: string }).match : null;
    const back = f.ok ? `/portal/toezicht/matches/${f.data.match}` : match ? `/portal/toezicht/matches/${match}` : '/portal/';
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: f.errors.notitie ?? f.errors.uitkomst ?? 'Kies een uitkomst.' });
    kit.attempt(res, back, () => s.checker.resolve(p.actor, req.params.eid, f.data.uitkomst, f.data.notitie || null), 'De uitkomst is vastgelegd.');
  });

  r.get('/toezicht/berichten', (req, res) => {
    const p = principalOf(res, 'checker');
    const list = s.notices.readAll('checker', p.municipality);
    kit.render(req, res, 'Berichten', html`
      ${table(`Berichten voor de toezichthouder van ${p.municipalityName}`, ['Wanneer', 'Onderwerp', 'Bericht', 'Status'],
        list.map((n) => [formatMoment(n.createdAt, kit.timeZone), noticeTitle(n.kind), describeNotice(n, '/portal/toezicht/matches/'), n.read ? 'Gelezen' : badge('Nieuw', 'active')]),
        'Er zijn nog geen berichten.')}`);
  });

  return r;
}
