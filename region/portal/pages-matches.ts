import { Router } from 'express';
import { z } from 'zod';
import { badge, button, dataList, form, heading2, link, paragraph, parseForm, selectField, table } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { formatDate, formatMoment, MATCH_STATUS_LABELS, shortRef } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';

/** The professional's matches: the other professionals' contact details, the regievoerder, and "contact gelegd" (afgestemd). */
const regievoerderForm = z.object({ professional: z.string({ error: 'Kies een professional.' }).min(1, 'Kies een professional.') });

/** Contact details as a match shows them: of this region's professionals, or of another region's. */
export interface Contact {
  name: string;
  function: string;
  email: string;
  phone: string;
  institution: { name: string };
}

export function contactCells(c: Contact | null): SafeHtml[] {
  if (!c) return [html`onbekend`, html``, html``, html``];
  return [
    html`<strong>${c.name}</strong><br>${c.function}`,
    html`${c.institution.name}`,
    html`<a class="utrecht-link" href="mailto:${c.email}">${c.email}</a>`,
    html`<a class="utrecht-link" href="tel:${c.phone.replace(/[^0-9+]/g, '')}">${c.phone}</a>`,
  ];
}

export function coordinationBadge(coordinated: boolean): SafeHtml {
  return coordinated ? badge('Afgestemd', 'success') : badge('Nog niet afgestemd', 'warning');
}

export function matchRoutes(kit: PortalKit): Router {
  const r = Router();
  const { s } = kit;

  r.get('/matches', (req, res) => {
    const p = principalOf(res, 'professional');
    const list = s.matches.listFor(p.actor).filter((m) => m !== null);
    kit.render(req, res, 'Mijn matches', html`
      ${paragraph('Een match ontstaat als ook een andere professional een melding heeft over dezelfde jeugdige. Neem contact met elkaar op en leg dat vast.')}
      ${table('Matches waarin u meedoet', ['Match', 'Sinds', 'Status', 'Andere professionals', 'Regievoerder', 'Afstemming'],
        list.map((m) => [
          link(`/portal/matches/${m.id}`, `Match ${shortRef(m.id)}`), formatDate(m.createdAt), MATCH_STATUS_LABELS[m.status],
          m.participants.filter((x) => !x.own).map((x) => (x.professional ? `${x.professional.name} (${x.professional.institution.name})` : 'onbekend')).join(', '),
          m.regievoerder?.name ?? 'Nog niet gekozen', coordinationBadge(m.coordinated),
        ]),
        'U hebt nog geen matches.')}`);
  });

  r.get('/matches/:id', (req, res) => {
    const p = principalOf(res, 'professional');
    const m = s.matches.getFor(p.actor, req.params.id)!;
    const active = m.status === 'active';
    const mine = m.participants.find((x) => x.own);
    const ids = active ? s.portal.queries.participantIds(m.id) : [];
    const base = `/portal/matches/${m.id}`;
    kit.render(req, res, `${m.kind === 'family' ? 'Gezinsmatch' : 'Match'} ${shortRef(m.id)}`, html`
      ${dataList([
        ['Status', active ? badge('Actief', 'active') : `${MATCH_STATUS_LABELS[m.status]} op ${formatMoment(m.endedAt, kit.timeZone)}`],
        ['Match sinds', formatMoment(m.createdAt, kit.timeZone)],
        ['Regievoerder', m.regievoerder ? `${m.regievoerder.name} (${m.regievoerder.institution.name})` : 'Nog niet gekozen'],
        ['Afstemming', html`${coordinationBadge(m.coordinated)} ${m.coordinated ? 'Alle professionals hebben vastgelegd dat er contact is gelegd.' : 'Nog niet iedereen heeft contact vastgelegd.'}`],
      ])}
      <section aria-labelledby="professionals">${heading2('Professionals in deze match', 'professionals')}
      ${table('Contactgegevens van de professionals in deze match', ['Naam en functie', 'Instelling', 'E-mail', 'Telefoon', 'Gemeld op', 'Rol', 'Contact gelegd'],
        m.participants.map((x) => [
          ...contactCells(x.professional).map((c, i) => (i === 0 && x.own ? html`${c} <span class="vir-muted">(u)</span>` : c)),
          formatDate(x.registeredAt), x.regievoerder ? badge('Regievoerder', 'active') : '—',
          x.contactMadeAt ? `Ja, ${formatDate(x.contactMadeAt)}` : 'Nog niet',
        ]))}
      </section>
      ${active ? html`
      <section aria-labelledby="contact">${heading2('Contact gelegd', 'contact')}
      ${mine?.contactMadeAt
        ? paragraph(`U hebt op ${formatDate(mine.contactMadeAt)} vastgelegd dat u contact hebt gelegd met de andere professionals.`)
        : html`${paragraph('Hebt u contact gelegd met de andere professionals in deze match? Leg het hier vast. De toezichthouder van de gemeente ziet of de match is afgestemd.')}
          ${form(`${base}/contact`, kit.csrf(res), button('Contact gelegd'))}`}
      </section>
      <section aria-labelledby="regie">${heading2('Regievoerder kiezen', 'regie')}
      ${paragraph('Spreek samen af wie de zorg rond deze jeugdige coördineert, en leg dat hier vast.')}
      ${form(`${base}/regievoerder`, kit.csrf(res), html`
        ${selectField({ name: 'professional', label: 'Wie wordt regievoerder?', options: ids.map((id) => { const c = s.notices.contactOf(id); return { value: id, label: c ? `${c.name} (${c.institution.name})` : id }; }), placeholder: 'Kies een professional' })}
        ${button('Regievoerder vastleggen', 'secondary')}`)}
      </section>` : ''}
      ${paragraph(link('/portal/matches', 'Terug naar mijn matches'))}`);
  });

  r.post('/matches/:id/contact', (req, res) => {
    const p = principalOf(res, 'professional');
    const back = `/portal/matches/${req.params.id}`;
    kit.attempt(res, back, () => s.coordination.recordContact(p.actor, req.params.id), 'Vastgelegd dat u contact hebt gelegd.');
  });

  r.post('/matches/:id/regievoerder', (req, res) => {
    const p = principalOf(res, 'professional');
    const back = `/portal/matches/${req.params.id}`;
    const f = parseForm(regievoerderForm, req.body);
    if (!f.ok) return kit.redirect(res, back, { kind: 'error', text: 'Kies wie regievoerder wordt.' });
    kit.attempt(res, back, () => s.coordination.setRegievoerder(p.actor, req.params.id, f.data.professional), 'De regievoerder is vastgelegd.');
  });

  return r;
}
