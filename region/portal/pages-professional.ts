import { Router, type Request, type Response } from 'express';
import { addDays } from '../domain/calendar.js';
import { today } from '../services/context.js';
import { badge, heading2, link, paragraph, table } from './forms.js';
import { html } from './html.js';
import { formatDate, formatMoment, shortRef } from './labels.js';
import { principalOf, type PortalKit } from './kit.js';
import { describeNotice, noticeTitle } from './notice-view.js';

/** The professional's start page (what needs doing) and their notices. */
export const SOON_DAYS = 30;

export function professionalStart(kit: PortalKit) {
  return (req: Request, res: Response): void => {
    const p = principalOf(res, 'professional');
    const { s } = kit;
    const unread = s.portal.queries.unreadNotices('professional', p.actor.professionalId);
    const newMatches = unread.filter((n) => (n.kind === 'match' || n.kind === 'participant-joined') && n.matchId);
    const matches = s.matches.listFor(p.actor).filter((m) => m && m.status === 'active');
    const noContact = matches.filter((m) => m && !m.participants.find((x) => x.own)?.contactMadeAt);
    const outstanding = s.informing.outstanding(p.actor);
    const soon = addDays(today(s.ctx), SOON_DAYS);
    const expiring = s.signals.list(p.actor).filter((x) => x.status === 'active' && x.removalDate !== null && x.removalDate <= soon);
    const todo = newMatches.length + noContact.length + outstanding.length + expiring.length;

    kit.render(req, res, 'Wat moet u doen', html`
      ${paragraph(todo === 0 ? 'Er is nu niets dat op u wacht.' : `Er ${todo === 1 ? 'wacht 1 punt' : `wachten ${todo} punten`} op u.`)}
      <p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="/portal/meldingen/nieuw">Nieuwe melding doen</a></p>

      <section aria-labelledby="nieuwe-matches">
      ${heading2(`Nieuwe matches (${newMatches.length})`, 'nieuwe-matches')}
      ${table('Nieuwe matches sinds u de berichten las', ['Wanneer', 'Wat', 'Match'],
        newMatches.map((n) => [formatMoment(n.createdAt, kit.timeZone), noticeTitle(n.kind), link(`/portal/matches/${n.matchId}`, `Match ${shortRef(n.matchId!)}`)]),
        'Geen nieuwe matches.')}
      </section>

      <section aria-labelledby="contact">
      ${heading2(`Nog geen contact vastgelegd (${noContact.length})`, 'contact')}
      ${table('Actieve matches waarin u nog geen contact hebt vastgelegd', ['Match sinds', 'Andere professionals', 'Match'],
        noContact.map((m) => [formatDate(m!.createdAt), m!.participants.filter((x) => !x.own).map((x) => x.professional?.name ?? 'onbekend').join(', '), link(`/portal/matches/${m!.id}`, `Match ${shortRef(m!.id)}`)]),
        'U hebt in al uw matches contact vastgelegd.')}
      </section>

      <section aria-labelledby="informeren">
      ${heading2(`Informatieplicht nog niet vervuld (${outstanding.length})`, 'informeren')}
      ${table('Meldingen waarvan u nog niet vastlegde dat u de jeugdige en/of ouders informeerde', ['Melding', 'Gemeld op', 'Status'],
        outstanding.map((o) => [link(`/portal/meldingen/${o.signalId}`, `Melding ${shortRef(o.signalId)}`), formatMoment(o.registeredAt, kit.timeZone), o.overdue ? badge('Te laat', 'danger') : badge('Open', 'warning')]),
        'U hebt bij al uw actieve meldingen vastgelegd wie u informeerde.')}
      </section>

      <section aria-labelledby="vervallen">
      ${heading2(`Vervalt binnen ${SOON_DAYS} dagen (${expiring.length})`, 'vervallen')}
      ${table('Meldingen die binnenkort automatisch worden verwijderd', ['Melding', 'Verwijderdatum', 'Actie'],
        expiring.map((x) => [link(`/portal/meldingen/${x.id}`, `Melding ${shortRef(x.id)}`), formatDate(x.removalDate), 'Verlengen of verwijderen']),
        'Geen meldingen die binnenkort vervallen.')}
      </section>`);
  };
}

export function professionalRoutes(kit: PortalKit): Router {
  const r = Router();
  r.get('/berichten', (req, res) => {
    const p = principalOf(res, 'professional');
    const list = kit.s.notices.readAll('professional', p.actor.professionalId, p.institutionId);
    kit.render(req, res, 'Berichten', html`
      ${paragraph('Berichten over uw meldingen en matches. Wat u hier ziet is ook per e-mail gemeld, zonder persoonsgegevens.')}
      ${table('Uw berichten, nieuwste eerst', ['Wanneer', 'Onderwerp', 'Bericht', 'Status'],
        list.map((n) => [formatMoment(n.createdAt, kit.timeZone), noticeTitle(n.kind), describeNotice(n, '/portal/matches/'), n.read ? 'Gelezen' : badge('Nieuw', 'active')]),
        'U hebt nog geen berichten.')}`);
  });
  return r;
}
