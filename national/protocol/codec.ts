import {
  actionOf, MAX_BATCH, MAX_WAIT_SECONDS, NS, OPERATIONS, RemoteFault, SOAP_NS, SyncFault,
  type Ack, type MatchEvent, type Operation, type Participant, type ProfessionalContact, type RequestMap, type ResponseMap, type SignalEvent,
} from './types.js';
import { el, envelope, escapeXml, isTrue, parseEnvelope, PATTERNS as P, Reader, type Envelope } from './xml.js';

/**
 * The one XML codec of the sync protocol, used by the connector and the national index alike.
 * Element names are Dutch, like the domain; every message it writes validates against
 * vir-sync.xsd, and every message it reads is held to the same rules.
 */
const KIND = { registered: 'geregistreerd', extended: 'verlengd', removed: 'verwijderd' } as const;
const REASON = {
  unjustified: 'onterecht', 'risk-ended': 'risico-beeindigd', objection: 'bezwaar', correction: 'correctie',
  expired: 'termijn-verlopen', 'age-23': 'leeftijd-23', death: 'overlijden',
} as const;
const RESULT = { accepted: 'geaccepteerd', duplicate: 'dubbel', rejected: 'geweigerd' } as const;
const MATCH_KIND = { arose: 'ontstaan', joined: 'deelnemer-toegevoegd', left: 'deelnemer-vertrokken', ended: 'beeindigd' } as const;

/** The wire values of each enumeration, back to their keys (made once per enumeration, not per value read). */
const reversed = new WeakMap<object, Map<string, string>>();
function reverse<K extends string, V extends string>(map: Record<K, V>, value: string, r: Reader, what: string): K {
  let back = reversed.get(map);
  if (!back) {
    back = new Map();
    for (const k of Object.keys(map) as K[]) if (!back.has(map[k])) back.set(map[k], k);
    reversed.set(map, back);
  }
  const found = back.get(value) as K | undefined;
  if (!found) throw r.fault(`${what} "${value.slice(0, 40)}" must be one of ${Object.values(map).join(', ')}`);
  return found;
}

const BODY = {
  LeverMeldingen: ['LeverMeldingenVerzoek', 'LeverMeldingenAntwoord'],
  HaalMatches: ['HaalMatchesVerzoek', 'HaalMatchesAntwoord'],
  Reconcilieer: ['ReconcilieerVerzoek', 'ReconcilieerAntwoord'],
  HaalMatchstand: ['HaalMatchstandVerzoek', 'HaalMatchstandAntwoord'],
  Status: ['StatusVerzoek', 'StatusAntwoord'],
} as const satisfies Record<Operation, readonly [string, string]>;

// ---------- writing

const professional = (p: ProfessionalContact): string =>
  el('meldingsbevoegde', [el('id', p.id), el('naam', p.name), el('functie', p.function), el('email', p.email), el('telefoon', p.phone), el('instelling', p.institution)]);

const signalEvent = (e: SignalEvent): string =>
  el('gebeurtenis', [
    el('gebeurtenisId', e.eventId), el('soort', KIND[e.kind]), el('meldingId', e.signalId), el('tijdstip', e.occurredAt),
    el('bsn', e.bsn), el('drieentwintigOp', e.turns23On), el('gemeente', e.municipality),
    e.professional ? professional(e.professional) : '',
    el('registratietijdstip', e.registeredAt), el('verwijderdatum', e.removalDate), el('reden', e.reason ? REASON[e.reason] : undefined),
  ]);

const ack = (a: Ack): string => el('bevestiging', [el('gebeurtenisId', a.eventId), el('resultaat', RESULT[a.result]), el('code', a.code), el('toelichting', a.message)]);

const participant = (p: Participant): string =>
  el('deelnemer', [el('sleutel', p.key), el('regio', p.region), el('meldingId', p.signalId), professional(p.professional), el('registratietijdstip', p.registeredAt)]);

const matchEvent = (m: MatchEvent): string =>
  el('matchgebeurtenis', [
    el('volgnummer', m.seq), el('soort', MATCH_KIND[m.kind]), el('matchId', m.matchId), el('gezinsmatch', m.family),
    ...m.ownSignalIds.map((id) => el('eigenMelding', id)), ...m.participants.map(participant),
  ]);

/**
 * The first of `events` that fit in `budget` bytes of XML, and at least one so that a feed always
 * moves on: 500 events of matches with many signals (each lists the region's own signals in it)
 * can pass the 4 MiB a reader accepts, and a region would then never read past them.
 */
export function eventsWithin(events: MatchEvent[], budget: number): MatchEvent[] {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += Buffer.byteLength(matchEvent(events[i]));
    if (bytes > budget && i > 0) return events.slice(0, i);
  }
  return events;
}

const requestBody: { [O in Operation]: (r: RequestMap[O]) => string } = {
  LeverMeldingen: (r) => [el('regio', r.region), ...r.events.map(signalEvent)].join(''),
  HaalMatches: (r) => [el('regio', r.region), el('naVolgnummer', r.after), el('maximum', r.max), el('wachttijd', r.waitSeconds)].join(''),
  Reconcilieer: (r) =>
    [
      el('regio', r.region), el('naMeldingId', r.after), el('totEnMetMeldingId', r.upTo), el('matchstand', r.withMatches),
      ...r.signals.map((s) => el('melding', [el('meldingId', s.signalId), el('verwijderdatum', s.removalDate)])),
    ].join(''),
  HaalMatchstand: (r) => [el('regio', r.region), el('naMatchId', r.after), el('vasteStand', r.pointInTime), el('stand', r.snapshotId), el('maximum', r.max)].join(''),
  Status: (r) => el('regio', r.region),
};

const responseBody: { [O in Operation]: (r: ResponseMap[O]) => string } = {
  LeverMeldingen: (r) => r.acks.map(ack).join(''),
  HaalMatches: (r) => [el('laatsteVolgnummer', r.head), el('hersynchronisatieNodig', r.resyncNeeded), ...r.events.map(matchEvent)].join(''),
  Reconcilieer: (r) => [...r.missing.map((id) => el('ontbrekend', id)), ...r.surplus.map((id) => el('overbodig', id)), el('laatsteVolgnummer', r.head), ...r.matches.map(matchEvent)].join(''),
  HaalMatchstand: (r) => [el('laatsteVolgnummer', r.head), el('meer', r.more), el('stand', r.snapshotId), ...r.matches.map(matchEvent)].join(''),
  Status: (r) => [el('status', r.status), el('protocolversie', r.protocolVersion), el('tijdstip', r.time)].join(''),
};

export function encodeRequest<O extends Operation>(op: O, request: RequestMap[O], to?: string): string {
  return envelope(actionOf(op), `<vir:${BODY[op][0]}>${requestBody[op](request)}</vir:${BODY[op][0]}>`, undefined, to);
}

export function encodeResponse<O extends Operation>(op: O, response: ResponseMap[O], relatesTo: string): string {
  return envelope(`${actionOf(op)}Antwoord`, `<vir:${BODY[op][1]}>${responseBody[op](response)}</vir:${BODY[op][1]}>`, relatesTo);
}

export function encodeFault(fault: SyncFault, relatesTo?: string): string {
  const body = `<soap:Fault><faultcode>soap:${fault.side}</faultcode><faultstring>${escapeXml(fault.message)}</faultstring><detail><vir:fout><vir:code>${escapeXml(fault.code)}</vir:code></vir:fout></detail></soap:Fault>`;
  return envelope(`${NS}:Fout`, body, relatesTo);
}

// ---------- reading

const PRO = ['id', 'naam', 'functie', 'email', 'telefoon', 'instelling'];
const readProfessional = (r: Reader): ProfessionalContact => ({
  id: r.one('id', P.id), name: r.one('naam', P.text), function: r.one('functie', P.text),
  email: r.one('email', P.text), phone: r.one('telefoon', P.text), institution: r.one('instelling', P.text),
});

const EVENT = ['gebeurtenisId', 'soort', 'meldingId', 'tijdstip', 'bsn', 'drieentwintigOp', 'gemeente', 'meldingsbevoegde', 'registratietijdstip', 'verwijderdatum', 'reden'];
function readSignalEvent(r: Reader): SignalEvent {
  const pro = r.has('meldingsbevoegde') ? r.child('meldingsbevoegde', PRO) : undefined;
  const reason = r.opt('reden');
  return compact({
    eventId: r.one('gebeurtenisId', P.id), kind: reverse(KIND, r.one('soort'), r, 'soort'), signalId: r.one('meldingId', P.id),
    occurredAt: r.one('tijdstip', P.dateTime), bsn: r.opt('bsn', P.bsn), turns23On: r.opt('drieentwintigOp', P.date),
    municipality: r.opt('gemeente', P.municipality), professional: pro ? readProfessional(pro) : undefined,
    registeredAt: r.opt('registratietijdstip', P.dateTime), removalDate: r.opt('verwijderdatum', P.date),
    reason: reason === undefined ? undefined : reverse(REASON, reason, r, 'reden'),
  });
}

function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

const PARTICIPANT = ['sleutel', 'regio', 'meldingId', 'meldingsbevoegde', 'registratietijdstip'];
const MATCH_EVENT = ['volgnummer', 'soort', 'matchId', 'gezinsmatch', 'eigenMelding', 'deelnemer'];
function readMatchEvent(r: Reader): MatchEvent {
  return {
    seq: Number(r.one('volgnummer', P.uint)), kind: reverse(MATCH_KIND, r.one('soort'), r, 'soort'), matchId: r.one('matchId', P.id),
    family: isTrue(r.one('gezinsmatch', P.bool)),
    ownSignalIds: r.all('eigenMelding').map((n) => n.text),
    participants: r.children('deelnemer', PARTICIPANT).map((p) => ({
      key: p.one('sleutel', P.id), region: p.one('regio', P.id), signalId: p.one('meldingId', P.id),
      professional: readProfessional(p.child('meldingsbevoegde', PRO)), registeredAt: p.one('registratietijdstip', P.dateTime),
    })),
  };
}

function bounded(r: Reader, name: string, max: number, min = 0): number {
  const n = Number(r.one(name, P.uint));
  if (n < min || n > max) throw r.fault(`${name} must lie between ${min} and ${max}`);
  return n;
}

const requestReaders: { [O in Operation]: (r: XNodeReader) => RequestMap[O] } = {
  LeverMeldingen: (n) => {
    const r = new Reader(n, 'LeverMeldingenVerzoek', ['regio', 'gebeurtenis']);
    const events = r.children('gebeurtenis', EVENT);
    if (events.length === 0 || events.length > MAX_BATCH) throw r.fault(`a batch holds 1 to ${MAX_BATCH} gebeurtenis elements`);
    return { region: r.one('regio', P.id), events: events.map(readSignalEvent) };
  },
  HaalMatches: (n) => {
    const r = new Reader(n, 'HaalMatchesVerzoek', ['regio', 'naVolgnummer', 'maximum', 'wachttijd']);
    return { region: r.one('regio', P.id), after: Number(r.one('naVolgnummer', P.uint)), max: bounded(r, 'maximum', MAX_BATCH, 1), waitSeconds: bounded(r, 'wachttijd', MAX_WAIT_SECONDS) };
  },
  Reconcilieer: (n) => {
    const r = new Reader(n, 'ReconcilieerVerzoek', ['regio', 'naMeldingId', 'totEnMetMeldingId', 'matchstand', 'melding']);
    const withMatches = r.opt('matchstand', P.bool);
    return {
      region: r.one('regio', P.id), after: r.opt('naMeldingId', P.id), upTo: r.opt('totEnMetMeldingId', P.id),
      ...(withMatches === undefined ? {} : { withMatches: isTrue(withMatches) }),
      signals: r.children('melding', ['meldingId', 'verwijderdatum']).map((m) => ({ signalId: m.one('meldingId', P.id), removalDate: m.one('verwijderdatum', P.date) })),
    };
  },
  HaalMatchstand: (n) => {
    const r = new Reader(n, 'HaalMatchstandVerzoek', ['regio', 'naMatchId', 'vasteStand', 'stand', 'maximum']);
    const pointInTime = r.opt('vasteStand', P.bool);
    const snapshotId = r.opt('stand', P.id);
    return {
      region: r.one('regio', P.id), after: r.opt('naMatchId', P.id), max: bounded(r, 'maximum', MAX_BATCH, 1),
      ...(pointInTime === undefined ? {} : { pointInTime: isTrue(pointInTime) }), ...(snapshotId === undefined ? {} : { snapshotId }),
    };
  },
  Status: (n) => {
    const r = new Reader(n, 'StatusVerzoek', ['regio']);
    return { region: r.opt('regio', P.id) };
  },
};

type XNodeReader = Envelope['body'];

const responseReaders: { [O in Operation]: (r: XNodeReader) => ResponseMap[O] } = {
  LeverMeldingen: (n) => {
    const r = new Reader(n, 'LeverMeldingenAntwoord', ['bevestiging']);
    return {
      acks: r.children('bevestiging', ['gebeurtenisId', 'resultaat', 'code', 'toelichting']).map((a) => ({
        eventId: a.one('gebeurtenisId', P.id), result: reverse(RESULT, a.one('resultaat'), a, 'resultaat'), code: a.opt('code'), message: a.opt('toelichting'),
      })),
    };
  },
  HaalMatches: (n) => {
    const r = new Reader(n, 'HaalMatchesAntwoord', ['laatsteVolgnummer', 'hersynchronisatieNodig', 'matchgebeurtenis']);
    return { head: Number(r.one('laatsteVolgnummer', P.uint)), resyncNeeded: isTrue(r.one('hersynchronisatieNodig', P.bool)), events: r.children('matchgebeurtenis', MATCH_EVENT).map(readMatchEvent) };
  },
  Reconcilieer: (n) => {
    const r = new Reader(n, 'ReconcilieerAntwoord', ['ontbrekend', 'overbodig', 'laatsteVolgnummer', 'matchgebeurtenis']);
    return {
      missing: r.all('ontbrekend').map((x) => x.text), surplus: r.all('overbodig').map((x) => x.text),
      head: Number(r.one('laatsteVolgnummer', P.uint)), matches: r.children('matchgebeurtenis', MATCH_EVENT).map(readMatchEvent),
    };
  },
  HaalMatchstand: (n) => {
    const r = new Reader(n, 'HaalMatchstandAntwoord', ['laatsteVolgnummer', 'meer', 'stand', 'matchgebeurtenis']);
    const snapshotId = r.opt('stand', P.id);
    return {
      head: Number(r.one('laatsteVolgnummer', P.uint)), more: isTrue(r.one('meer', P.bool)), ...(snapshotId === undefined ? {} : { snapshotId }),
      matches: r.children('matchgebeurtenis', MATCH_EVENT).map(readMatchEvent),
    };
  },
  Status: (n) => {
    const r = new Reader(n, 'StatusAntwoord', ['status', 'protocolversie', 'tijdstip']);
    const status = r.one('status');
    if (status !== 'ok') throw r.fault('status must be ok');
    return { status: 'ok', protocolVersion: r.one('protocolversie'), time: r.one('tijdstip', P.dateTime) };
  },
};

export interface DecodedRequest {
  op: Operation;
  messageId: string;
  request: RequestMap[Operation];
}

/** Reads a request: the operation from the body element, checked against the WS-Addressing Action. */
export async function decodeRequest(xml: string): Promise<DecodedRequest> {
  const env = await parseEnvelope(xml);
  try {
    if (env.fault) throw new SyncFault('Client', 'ONBEKENDE_OPERATIE', 'a Fault is not a request');
    const op = OPERATIONS.find((o) => BODY[o][0] === env.body.name);
    if (!op) throw new SyncFault('Client', 'ONBEKENDE_OPERATIE', `unknown operation ${env.body.name}; known: ${OPERATIONS.map((o) => BODY[o][0]).join(', ')}`);
    if (env.action !== actionOf(op)) throw new SyncFault('Client', 'ACTION_ONJUIST', `WS-Addressing Action ${env.action} does not fit ${env.body.name}`);
    return { op, messageId: env.messageId, request: requestReaders[op](env.body) };
  } catch (err) {
    // The fault answers a message whose MessageID was read: it says so, as every answer does.
    if (err instanceof SyncFault && env.messageId) err.relatesTo = env.messageId;
    throw err;
  }
}

/** Reads a response to `op`, or throws the SyncFault the other side sent. */
export async function decodeResponse<O extends Operation>(op: O, xml: string): Promise<ResponseMap[O]> {
  const env = await parseEnvelope(xml);
  if (env.fault) {
    const code = env.fault.children.find((c) => c.name === 'detail')?.children[0]?.children.find((c) => c.name === 'code')?.text ?? 'ONBEKEND';
    const side = env.fault.children.find((c) => c.name === 'faultcode')?.text.endsWith('Client') ? 'Client' : 'Server';
    throw new RemoteFault(side, code, env.fault.children.find((c) => c.name === 'faultstring')?.text ?? 'fault');
  }
  if (env.body.name !== BODY[op][1]) throw new SyncFault('Server', 'ONVERWACHT_ANTWOORD', `expected ${BODY[op][1]}, got ${env.body.name}`);
  return responseReaders[op](env.body) as ResponseMap[O];
}

export { SOAP_NS };
