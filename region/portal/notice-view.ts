import type { NoticeService } from '../services/notices.js';
import { html, type SafeHtml } from './html.js';
import { formatDate, NOTICE_LABELS } from './labels.js';

/** A notice as a professional or checker reads it in the portal: what happened, who, and where to look. */
export type NoticeView = ReturnType<NoticeService['readAll']>[number];

function names(n: NoticeView): string {
  const list = (n.professionals ?? []).map((p) => `${p.name} (${p.institution.name})`);
  if (list.length === 0) return 'een professional';
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} en ${list[list.length - 1]}`;
}

export function noticeTitle(kind: string): string {
  return NOTICE_LABELS[kind] ?? 'Bericht';
}

export function describeNotice(n: NoticeView, matchBase: string): SafeHtml {
  const matchLink = n.matchId ? html` <a class="utrecht-link" href="${matchBase}${n.matchId}">Bekijk de match</a>` : '';
  const family = n.family ? 'gezinsmatch' : 'match';
  switch (n.kind) {
    case 'match':
      if (n.municipality) return html`Er is een ${family} in uw gemeente tussen ${n.participantCount ?? 2} professionals.${matchLink}`;
      return html`Er is een ${family}: ook ${names(n)} heeft een melding over dezelfde jeugdige.${matchLink}`;
    case 'participant-joined':
      return html`${names(n)} heeft ook een melding gedaan en is bij de match gekomen.${matchLink}`;
    case 'participant-left':
      return html`${names(n)} heeft de match verlaten.${n.matchEnded ? ' De match is daarmee beëindigd.' : ''}${matchLink}`;
    case 'participant-changed':
      return html`Een melding in de match is overgedragen; contactpersoon is nu ${names(n)}.${matchLink}`;
    case 'regievoerder':
      return html`${names(n)} is regievoerder in de match.${matchLink}`;
    case 'history':
      return html`Over de jeugdige van uw nieuwe melding deed ${names(n)} eerder een melding (van ${formatDate(n.archivedSignal?.registeredAt)} tot ${formatDate(n.archivedSignal?.removedAt)}).`;
    case 'informing-reminder':
      return html`U hebt nog niet vastgelegd dat u de jeugdige en/of ouders over uw melding hebt geïnformeerd (informatieplicht).${n.signalId ? html` <a class="utrecht-link" href="/portal/meldingen/${n.signalId}">Naar de melding</a>` : ''}`;
    case 'handover':
      return html`${(n.signalIds ?? []).length} melding(en) zijn overgedragen tussen u en ${names(n)}.`;
    case 'move':
      // To the checker of the new municipality, or to the professional whose signal's youth moved (7.1.2.3(g)).
      if (!n.signalId) return html`Een jeugdige met een melding is volgens de Basisregistratie Personen naar uw gemeente (${n.municipality ?? ''}) verhuisd.`;
      return html`De jeugdige van uw melding is volgens de Basisregistratie Personen verhuisd naar gemeente ${n.municipality ?? ''}${n.inArea === false ? ', buiten het convenantgebied' : ''}. <a class="utrecht-link" href="/portal/meldingen/${n.signalId}">Naar de melding</a>`;
    default:
      return html`Er is een nieuw bericht.${matchLink}`;
  }
}
