import { AppError } from '../errors.js';

/** What users read in the portal: Dutch labels for the codes the domain uses (glossary in ../shared/domain.md). */

/** The twelve risks of Jeugdwet 7.1.4.1; shown for the attestation, never stored. */
export const RISK_CRITERIA: readonly { code: string; label: string }[] = [
  { code: 'a', label: 'geweld, vernedering of verwaarlozing' },
  { code: 'b', label: 'psychische problemen, waaronder verslaving' },
  { code: 'c', label: 'ernstige problemen bij het opgroeien of de opvoeding' },
  { code: 'd', label: 'jonger dan 18 en zwanger of moeder' },
  { code: 'e', label: 'schoolverzuim of voortijdig schoolverlaten' },
  { code: 'f', label: 'geen motivatie om legaal in het levensonderhoud te voorzien' },
  { code: 'g', label: 'financiële problemen' },
  { code: 'h', label: 'geen vaste woon- of verblijfplaats' },
  { code: 'i', label: 'gevaar voor anderen' },
  { code: 'j', label: 'betrokkenheid bij criminele activiteiten' },
  { code: 'k', label: 'ouders schieten ernstig tekort in de zorg' },
  { code: 'l', label: 'risico’s die onevenredig vaak voorkomen bij bepaalde etnische groepen' },
];

export const ROLE_LABELS = {
  professional: 'Professional',
  coordinator: 'Coördinator',
  checker: 'Toezichthouder gemeente',
  admin: 'Functioneel beheerder convenant',
} as const;

export const REMOVAL_REASON_LABELS: Record<string, string> = {
  unjustified: 'De melding was onterecht',
  'risk-ended': 'Het risico is weggenomen',
  objection: 'Bezwaar van de jeugdige of ouders',
  correction: 'Correctie op verzoek van de jeugdige of ouders',
  expired: 'De termijn is verlopen',
  'age-23': 'De jeugdige is 23 geworden',
  death: 'Overlijden',
};

export const SIGNAL_STATUS_LABELS: Record<string, string> = { active: 'Actief', archived: 'Gearchiveerd', removed: 'Verwijderd' };
export const MATCH_STATUS_LABELS: Record<string, string> = { active: 'Actief', ended: 'Beëindigd' };

export const INFORMING_METHOD_LABELS: Record<string, string> = {
  'in-person': 'In een gesprek',
  phone: 'Telefonisch',
  letter: 'Per brief',
  email: 'Per e-mail',
  other: 'Anders',
};

export const INFORMED_PARTY_LABELS: Record<string, string> = { youth: 'de jeugdige', 'legal-representative': 'de wettelijk vertegenwoordiger (ouder of voogd)' };

export const ESCALATION_OUTCOME_LABELS: Record<string, string> = {
  'contact-made': 'Er is alsnog contact gelegd',
  'no-contact-needed': 'Contact bleek niet nodig',
  'escalated-to-management': 'Voorgelegd aan het management',
  other: 'Anders',
};

export const NOTICE_LABELS: Record<string, string> = {
  match: 'Nieuwe match',
  'participant-joined': 'Nieuwe professional in een match',
  'participant-left': 'Professional uit een match vertrokken',
  'participant-changed': 'Melding in een match overgedragen aan een collega',
  history: 'Eerdere melding (historie) gevonden',
  'informing-reminder': 'Herinnering informatieplicht',
  handover: 'Meldingen overgedragen',
  regievoerder: 'Regievoerder aangewezen',
  move: 'Verhuizing van een jeugdige',
};

/** A service's refusal in words a professional can act on. */
const ERROR_TEXT: Record<string, string> = {
  INVALID_BSN: 'Het BSN is niet geldig: vul 9 cijfers in die de elfproef doorstaan.',
  UNKNOWN_BSN: 'De Basisregistratie Personen kent geen persoon met dit BSN. Controleer het nummer.',
  DECEASED: 'Volgens de Basisregistratie Personen is deze jeugdige overleden.',
  BRP_REQUEST_REFUSED: 'De Basisregistratie Personen weigerde de vraag naar deze jeugdige, dus de melding is niet geregistreerd. Probeer het later opnieuw; lukt het dan nog niet, meld het aan de beheerder van de verwijsindex.',
  INVALID_BIRTH_DATE: 'Vul een bestaande geboortedatum in.',
  BIRTH_DATE_IN_FUTURE: 'De geboortedatum ligt in de toekomst.',
  TOO_OLD: 'De jeugdige is 23 jaar of ouder. Alleen jeugdigen jonger dan 23 kunnen gemeld worden (artikel 7.1.1.1 Jeugdwet).',
  LEGAL_GROUND_NOT_CONFIRMED: 'Kruis ten minste één risico aan waarvan u een redelijk vermoeden hebt (artikel 7.1.4.1 Jeugdwet).',
  UNKNOWN_MUNICIPALITY: 'Deze gemeente hoort niet bij het convenantgebied.',
  INVALID_REMOVAL_DATE: 'Vul een bestaande datum in.',
  REMOVAL_DATE_IN_PAST: 'De verwijderdatum moet na vandaag liggen.',
  REMOVAL_DATE_TOO_LATE: 'De verwijderdatum mag hoogstens twee jaar na de melding liggen, en nooit na de 23e verjaardag.',
  NOT_AN_EXTENSION: 'Kies een verwijderdatum die later ligt dan de huidige.',
  SIGNAL_NOT_ACTIVE: 'Deze melding is niet meer actief.',
  INFORMED_IN_FUTURE: 'De datum van informeren ligt in de toekomst.',
  INFORMED_BEFORE_BIRTH: 'De datum van informeren ligt vóór de geboorte van de jeugdige. Controleer de datum.',
  VALIDATION_ERROR: 'Een veld is niet goed ingevuld. Controleer de datums en keuzes.',
  MATCH_ENDED: 'Deze match is beëindigd.',
  NOT_A_PARTICIPANT: 'De regievoerder moet een van de professionals in deze match zijn.',
  ACTIVE_SIGNALS_PRESENT: 'Deze professional heeft nog actieve meldingen. Draag die eerst over aan een collega.',
  PROFESSIONAL_NOT_AUTHORISED: 'Deze professional is niet (meer) bevoegd om te melden.',
  SAME_PROFESSIONAL: 'Kies een andere collega om aan over te dragen.',
  NOT_A_COORDINATOR: 'Alleen een coördinator van deze instelling kan meldingen overdragen.',
  ESCALATION_RESOLVED: 'Deze escalatie heeft al een uitkomst.',
  MUNICIPALITY_EXISTS: 'Deze gemeente hoort al bij het convenantgebied.',
  USERNAME_TAKEN: 'Deze gebruikersnaam is al in gebruik.',
  ACCOUNT_EXISTS: 'Voor deze persoon bestaat al een account met deze rol.',
  NOT_FOUND: 'Dit bestaat niet (meer), of u hebt er geen toegang toe.',
};

export function errorText(err: unknown): string {
  if (err instanceof AppError) {
    if (err.code === 'REMOVAL_DATE_TOO_LATE') {
      const max = /at most (\d{4}-\d{2}-\d{2})/.exec(err.message)?.[1];
      if (max) return `De verwijderdatum mag hoogstens ${formatDate(max)} zijn: twee jaar na de melding en nooit na de 23e verjaardag.`;
    }
    return ERROR_TEXT[err.code] ?? `Dat lukte niet (${err.code}). Controleer de invoer en probeer het opnieuw.`;
  }
  return 'Er ging iets mis. Probeer het later opnieuw.';
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** 2026-03-02 → 2 maart 2026. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A moment in the law's time zone, e.g. 2 maart 2026 10:00. */
export function formatMoment(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${formatDate(`${get('year')}-${get('month')}-${get('day')}`)} ${get('hour')}:${get('minute')}`;
}

/** A short reference a person can read aloud, instead of a BSN: the first 8 characters of the id. */
export function shortRef(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

/** ***.**.*333: only the last three digits of a BSN. */
export function maskBsn(bsn: string): string {
  return `***.**.*${bsn.slice(-3)}`;
}
