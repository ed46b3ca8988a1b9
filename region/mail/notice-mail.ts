/**
 * The e-mail for a notice, in Dutch. It says only that something happened and where to read it:
 * no BSN, no name of a youth, no names or contact details of professionals (domain.md: notices go
 * by e-mail without personal data; the details are read in the portal). Pure: no I/O.
 */
export interface MailNotice {
  kind: string;
  recipientKind: 'professional' | 'checker';
  matchId: string | null;
  payload: { family?: boolean; matchEnded?: boolean; signalId?: string; signalIds?: string[] };
}

export interface MailText {
  subject: string;
  text: string;
}

interface Wording {
  subject: string;
  sentence: string;
  path: string;
}

function wording(n: MailNotice): Wording {
  const match = n.payload.family ? 'gezinsmatch' : 'match';
  const matchPath = n.matchId ? `/portal/matches/${n.matchId}` : '/portal/berichten';
  if (n.recipientKind === 'checker' && n.kind === 'move') {
    return {
      subject: 'Een jeugdige met een melding is naar uw gemeente verhuisd',
      sentence: 'Volgens de Basisregistratie Personen is een jeugdige over wie een melding is gedaan naar uw gemeente verhuisd (artikel 7.1.2.3 Jeugdwet). U ziet het bericht in het portaal.',
      path: '/portal/toezicht/berichten',
    };
  }
  if (n.recipientKind === 'checker') {
    return {
      subject: `Nieuwe ${match} in uw gemeente`,
      sentence: `Er is een ${match} ontstaan tussen professionals met een melding over een jeugdige in uw gemeente. U ziet in het portaal wie er betrokken zijn en of zij contact met elkaar hebben gelegd.`,
      path: n.matchId ? `/portal/toezicht/matches/${n.matchId}` : '/portal/toezicht/berichten',
    };
  }
  switch (n.kind) {
    case 'match':
      return {
        subject: `Nieuwe ${match} in de Verwijsindex`,
        sentence: `Een andere professional heeft ook een melding gedaan over een jeugdige over wie u een melding hebt. Er is een ${match}: neem contact met elkaar op.`,
        path: matchPath,
      };
    case 'participant-joined':
      return { subject: 'Een professional is bij uw match gekomen', sentence: 'Nog een professional heeft een melding gedaan over dezelfde jeugdige en is bij uw match gekomen.', path: matchPath };
    case 'participant-left':
      return n.payload.matchEnded
        ? { subject: 'Uw match is beëindigd', sentence: 'De melding van een andere professional is verwijderd (door die professional, of door de verwijsindex zelf na afloop van de termijn). Daardoor is uw match beëindigd.', path: matchPath }
        : { subject: 'Een professional heeft uw match verlaten', sentence: 'De melding van een andere professional is verwijderd (door die professional, of door de verwijsindex zelf na afloop van de termijn). Die professional doet niet meer mee in uw match.', path: matchPath };
    case 'participant-changed':
      return { subject: 'Een melding in uw match is overgedragen', sentence: 'Een melding in uw match is overgedragen aan een collega van dezelfde instelling. U ziet in het portaal wie nu uw contactpersoon is.', path: matchPath };
    case 'regievoerder':
      return { subject: 'Er is een regievoerder in uw match', sentence: 'In uw match is vastgelegd wie regievoerder is.', path: matchPath };
    case 'history':
      return { subject: 'Er was eerder een melding over deze jeugdige', sentence: 'Over de jeugdige van uw nieuwe melding heeft eerder een andere professional een melding gedaan, die inmiddels is afgesloten (historie).', path: '/portal/berichten' };
    case 'informing-reminder':
      return {
        subject: 'Herinnering: informatieplicht bij uw melding',
        sentence: 'U hebt nog niet vastgelegd dat u de jeugdige en/of de ouders hebt geïnformeerd over uw melding (informatieplicht, artikel 7.1.5.1 Jeugdwet).',
        path: n.payload.signalId ? `/portal/meldingen/${n.payload.signalId}` : '/portal/meldingen',
      };
    case 'handover':
      return { subject: 'Meldingen zijn overgedragen', sentence: 'De coördinator van uw instelling heeft meldingen overgedragen, van u of aan u.', path: '/portal/berichten' };
    case 'move':
      return {
        subject: 'De jeugdige van uw melding is verhuisd',
        sentence: 'Volgens de Basisregistratie Personen is de jeugdige over wie u een melding hebt gedaan verhuisd naar een andere gemeente.',
        path: n.payload.signalId ? `/portal/meldingen/${n.payload.signalId}` : '/portal/berichten',
      };
    default:
      return { subject: 'Nieuw bericht in de Verwijsindex', sentence: 'Er is een nieuw bericht voor u in de Verwijsindex.', path: '/portal/berichten' };
  }
}

export function noticeMail(n: MailNotice, portalBaseUrl: string, regionName: string): MailText {
  const w = wording(n);
  const url = `${portalBaseUrl.replace(/\/+$/, '')}${w.path}`;
  const text = [
    n.recipientKind === 'checker' ? 'Beste toezichthouder,' : 'Beste professional,',
    '',
    w.sentence,
    '',
    'Bekijk de gegevens in het portaal van de Verwijsindex (u logt in met uw wachtwoord en de code uit uw app):',
    url,
    '',
    'Om privacyredenen staan in deze e-mail geen naam, geen BSN en geen andere gegevens van de jeugdige of van de betrokken professionals.',
    '',
    'Met vriendelijke groet,',
    `Verwijsindex Risicojongeren, ${regionName}`,
    '',
    'Dit is een automatisch bericht. U kunt er niet op antwoorden.',
    '',
  ].join('\n');
  return { subject: `Verwijsindex: ${w.subject}`, text };
}
