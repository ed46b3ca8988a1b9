import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A fake BRP for tests, on 127.0.0.1 port 0, following the published specifications in
 * ../shared/reference/ (the real BRP cannot run here):
 * - BRP API Personen under /haalcentraal/api/brp: POST /personen, query type
 *   RaadpleegMetBurgerservicenummer only; honours `fields` (date and table values come whole,
 *   a verblijfplaats brings its type and indicatieVastgesteldVerblijftNietOpAdres along, as
 *   the API's features describe); 400 problem+json for a bad request.
 * - the BRP Update API under /haalcentraal/api/brpupdate: PUT/GET /volgindicaties/{bsn},
 *   GET /volgindicaties, GET /wijzigingen?vanaf=.
 * - every call needs the API key header (401 problem+json without it).
 * - setMode() makes it unavailable: 503, a reset connection, or no answer at all.
 * It serves records in the local registry's file format ({ personen: [Persoon] }). Every
 * request and every answer is kept, so that tests can check them against the specifications.
 * Where the specification's examples and its schemas disagree (the examples' detail texts
 * hold a colon and `fields[0]`, which the schema's patterns refuse), the fake follows the schemas.
 */
export type FakeBrpMode = 'up' | 'unavailable' | 'reset' | 'hang';

export interface FakeBrpExchange {
  method: string;
  path: string;
  requestHeaders: IncomingMessage['headers'];
  requestBody: unknown;
  status: number;
  contentType: string;
  body: unknown;
}

export interface FakeBrp {
  baseUrl: string;
  personenUrl: string;
  updateUrl: string;
  apiKey: string;
  apiKeyHeader: string;
  /** Every answered call, oldest first. */
  exchanges: FakeBrpExchange[];
  setMode(mode: FakeBrpMode): void;
  /** Puts a person's record (new, moved, deceased, ...) and records a change on `changedOn`. */
  put(persoon: Record<string, unknown>, changedOn: string): void;
  /** The active volgindicaties: BSN → einddatum (null: none). */
  volgindicaties(): Map<string, string | null>;
  close(): Promise<void>;
}

export interface FakeBrpOptions {
  personen?: Record<string, unknown>[];
  apiKey?: string;
  apiKeyHeader?: string;
  /** The fake's own date (YYYY-MM-DD), for volgindicaties. */
  today?: () => string;
}

const PERSONEN_PREFIX = '/haalcentraal/api/brp';
const UPDATE_PREFIX = '/haalcentraal/api/brpupdate';

/** The properties of Persoon in BRP API Personen 2.7.0; those the BRP delivers by itself may not be asked for. */
const PERSOON_FIELDS = new Set([
  'aNummer', 'burgerservicenummer', 'datumEersteInschrijvingGBA', 'geslacht', 'uitsluitingKiesrecht', 'europeesKiesrecht', 'leeftijd', 'naam',
  'nationaliteiten', 'geboorte', 'overlijden', 'verblijfplaats', 'immigratie', 'gemeenteVanInschrijving', 'datumInschrijvingInGemeente',
  'adressering', 'indicatieCurateleRegister', 'indicatieGezagMinderjarige', 'gezag', 'verblijfstitel', 'kinderen', 'ouders', 'partners',
]);
const AUTOMATIC_FIELDS = new Set(['inOnderzoek', 'geheimhoudingPersoonsgegevens', 'opschortingBijhouding', 'rni', 'verificatie']);
const QUERY_PARAMS = new Set(['type', 'fields', 'burgerservicenummer', 'gemeenteVanInschrijving']);
const DATE_TYPES = new Set(['Datum', 'JaarMaandDatum', 'JaarDatum', 'DatumOnbekend']);
const BAD_REQUEST_TYPE = 'https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1';

type Json = Record<string, unknown>;
interface InvalidParam {
  name: string;
  code: string;
  reason: string;
}

class Problem {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly code: string,
    readonly detail: string,
    readonly invalidParams?: InvalidParam[],
  ) {}
}

const badParams = (title: string, code: string, params: InvalidParam[]): Problem =>
  new Problem(400, title, code, `De foutieve parameter(s) zijn ${[...new Set(params.map((p) => p.name))].join(', ')}.`, params);
const invalidParams = (params: InvalidParam[]): Problem => badParams('Een of meerdere parameters zijn niet correct.', 'paramsValidation', params);

export async function startFakeBrp(options: FakeBrpOptions = {}): Promise<FakeBrp> {
  const apiKey = options.apiKey ?? 'fake-brp-api-key-0123456789';
  const apiKeyHeader = options.apiKeyHeader ?? 'X-API-KEY';
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const personen = new Map<string, Json>();
  for (const p of options.personen ?? []) personen.set(String(p.burgerservicenummer), structuredClone(p));
  const changes: { bsn: string; on: string }[] = [];
  const follows = new Map<string, { begindatum: string; einddatum: string | null }>();
  const exchanges: FakeBrpExchange[] = [];
  const sockets = new Set<Socket>();
  let mode: FakeBrpMode = 'up';
  let baseUrl = '';

  const active = (): Map<string, { begindatum: string; einddatum: string | null }> =>
    new Map([...follows].filter(([, f]) => f.einddatum === null || f.einddatum > today()));

  const personenQuery = (body: unknown): Json => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidParams([{ name: 'body', code: 'object', reason: 'Body is geen object.' }]);
    const q = body as Json;
    const unknown = Object.keys(q).filter((k) => !QUERY_PARAMS.has(k));
    if (unknown.length) throw invalidParams(unknown.map((name) => ({ name: name.slice(0, 30).replace(/[^a-zA-Z0-9._]/g, '_'), code: 'unknownParam', reason: 'Parameter is niet verwacht.' })));
    const missing = ['type', 'fields', 'burgerservicenummer'].filter((k) => q[k] === undefined);
    if (missing.length) throw badParams('Minimale combinatie van parameters moet worden opgegeven.', 'paramsCombination', missing.map((name) => ({ name, code: 'required', reason: 'Parameter is verplicht.' })));
    const problems: InvalidParam[] = [];
    if (q.type !== 'RaadpleegMetBurgerservicenummer') problems.push({ name: 'type', code: 'value', reason: 'Waarde wordt niet ondersteund door deze fake.' });
    const fields = q.fields;
    if (!Array.isArray(fields)) problems.push({ name: 'fields', code: 'array', reason: 'Parameter is geen array.' });
    else if (fields.length < 1) problems.push({ name: 'fields', code: 'minItems', reason: 'Array bevat minder dan 1 items.' });
    else if (fields.length > 130) problems.push({ name: 'fields', code: 'maxItems', reason: 'Array bevat meer dan 130 items.' });
    else
      fields.forEach((f) => {
        if (typeof f !== 'string' || !/^[a-zA-Z0-9._]{1,200}$/.test(f)) problems.push({ name: 'fields', code: 'pattern', reason: 'Waarde voldoet niet aan het patroon.' });
        else if (AUTOMATIC_FIELDS.has(f.split('.')[0])) problems.push({ name: 'fields', code: 'fields', reason: 'Parameter bevat een automatisch geleverd veld.' });
        else if (!PERSOON_FIELDS.has(f.split('.')[0])) problems.push({ name: 'fields', code: 'fields', reason: 'Parameter bevat een niet bestaande veldnaam.' });
      });
    const bsns = q.burgerservicenummer;
    if (!Array.isArray(bsns)) problems.push({ name: 'burgerservicenummer', code: 'array', reason: 'Parameter is geen array.' });
    else if (bsns.length < 1 || bsns.length > 20) problems.push({ name: 'burgerservicenummer', code: bsns.length ? 'maxItems' : 'minItems', reason: 'Array bevat 1 tot 20 items.' });
    else if (bsns.some((b) => typeof b !== 'string' || !/^[0-9]{9}$/.test(b))) problems.push({ name: 'burgerservicenummer', code: 'pattern', reason: 'Waarde voldoet niet aan het patroon.' });
    const gemeente = q.gemeenteVanInschrijving;
    if (gemeente !== undefined && (typeof gemeente !== 'string' || !/^[0-9]{4}$/.test(gemeente))) problems.push({ name: 'gemeenteVanInschrijving', code: 'pattern', reason: 'Waarde voldoet niet aan het patroon.' });
    if (problems.length) throw invalidParams(problems);
    const found = (bsns as string[])
      .map((b) => personen.get(b))
      .filter((p): p is Json => !!p)
      .filter((p) => gemeente === undefined || (p.gemeenteVanInschrijving as Json | undefined)?.code === gemeente);
    return { type: 'RaadpleegMetBurgerservicenummer', personen: found.map((p) => selectFields(p, fields as string[])) };
  };

  const volgindicatie = (method: string, bsn: string, body: unknown): [number, Json] => {
    if (!/^[0-9]{9}$/.test(bsn)) throw invalidParams([{ name: 'burgerservicenummer', code: 'pattern', reason: 'Waarde voldoet niet aan het patroon.' }]);
    const current = active().get(bsn);
    if (method === 'GET') {
      if (!current) throw new Problem(404, 'Opgevraagde resource bestaat niet.', 'notFound', 'De volgindicatie bestaat niet.');
      return [200, view(bsn, current)];
    }
    const b = (body ?? {}) as Json;
    if (typeof b !== 'object' || Array.isArray(b)) throw invalidParams([{ name: 'body', code: 'object', reason: 'Body is geen object.' }]);
    const unknown = Object.keys(b).filter((k) => k !== 'einddatum');
    if (unknown.length) throw invalidParams([{ name: 'body', code: 'unknownParam', reason: 'Parameter is niet verwacht.' }]);
    const einddatum = b.einddatum === undefined ? null : b.einddatum;
    if (einddatum !== null && (typeof einddatum !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(einddatum))) throw invalidParams([{ name: 'einddatum', code: 'date', reason: 'Waarde is geen geldige datum.' }]);
    if (einddatum !== null && einddatum < today()) throw invalidParams([{ name: 'einddatum', code: 'minimum', reason: 'Waarde ligt in het verleden.' }]);
    const next = { begindatum: current?.begindatum ?? today(), einddatum };
    follows.set(bsn, next);
    return [current ? 200 : 201, view(bsn, next)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname;
    const raw = await readBody(req);
    let requestBody: unknown = raw;
    const reply = (status: number, body: Json, contentType: string): void => {
      exchanges.push({ method: req.method ?? '', path: `${path}${url.search}`, requestHeaders: req.headers, requestBody, status, contentType, body });
      res.writeHead(status, { 'content-type': contentType, 'api-version': '1.0.0' });
      res.end(JSON.stringify(body));
    };
    const problem = (p: Problem): void => {
      const body: Json = { type: BAD_REQUEST_TYPE, title: p.title, status: p.status, detail: p.detail, instance: `${baseUrl}${path}`, code: p.code };
      if (p.invalidParams) body.invalidParams = p.invalidParams.map((ip) => ({ type: BAD_REQUEST_TYPE, ...ip }));
      reply(p.status, body, 'application/problem+json');
    };
    try {
      if (mode === 'unavailable') throw new Problem(503, 'Bronservice BRP is tijdelijk niet beschikbaar.', 'notAvailable', 'De service is tijdelijk niet beschikbaar.');
      if (req.headers[apiKeyHeader.toLowerCase()] !== apiKey) throw new Problem(401, 'Niet correct geauthenticeerd.', 'authentication', 'De aanroep vereist een geldige API key.');
      if (raw !== '') {
        if (!/^application\/json/i.test(req.headers['content-type'] ?? '')) throw new Problem(415, 'Unsupported Media Type', 'unsupported', 'Alleen application json wordt ondersteund.');
        try {
          requestBody = JSON.parse(raw);
        } catch {
          throw invalidParams([{ name: 'body', code: 'json', reason: 'Body is geen geldige JSON.' }]);
        }
      }
      if (req.method === 'POST' && path === `${PERSONEN_PREFIX}/personen`) return reply(200, personenQuery(requestBody), 'application/json; charset=utf-8');
      const vi = new RegExp(`^${UPDATE_PREFIX}/volgindicaties/([^/]*)$`).exec(path);
      if (vi && (req.method === 'PUT' || req.method === 'GET')) {
        const [status, body] = volgindicatie(req.method, decodeURIComponent(vi[1]), requestBody);
        return reply(status, body, status === 201 ? 'application/hal+json' : 'application/json');
      }
      if (req.method === 'GET' && path === `${UPDATE_PREFIX}/volgindicaties`) {
        return reply(200, { volgindicaties: [...active()].map(([bsn, f]) => view(bsn, f)) }, 'application/json');
      }
      if (req.method === 'GET' && path === `${UPDATE_PREFIX}/wijzigingen`) {
        const vanaf = url.searchParams.get('vanaf');
        if (vanaf !== null && !/^\d{4}-\d{2}-\d{2}$/.test(vanaf)) throw invalidParams([{ name: 'vanaf', code: 'date', reason: 'Waarde is geen geldige datum.' }]);
        const followed = active();
        const changed = [...new Set(changes.filter((c) => followed.has(c.bsn) && (vanaf === null || c.on >= vanaf)).map((c) => c.bsn))];
        return reply(200, { _links: { self: { href: `${baseUrl}${path}${url.search}` } }, burgerservicenummers: changed }, 'application/hal+json');
      }
      throw new Problem(404, 'Opgevraagde resource bestaat niet.', 'notFound', 'Het pad bestaat niet.');
    } catch (err) {
      if (err instanceof Problem) return problem(err);
      throw err;
    }
  };

  const server: Server = createServer((req, res) => {
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (mode === 'hang') return;
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    baseUrl,
    personenUrl: `${baseUrl}${PERSONEN_PREFIX}`,
    updateUrl: `${baseUrl}${UPDATE_PREFIX}`,
    apiKey,
    apiKeyHeader,
    exchanges,
    setMode(m) {
      mode = m;
    },
    put(persoon, changedOn) {
      personen.set(String(persoon.burgerservicenummer), structuredClone(persoon));
      changes.push({ bsn: String(persoon.burgerservicenummer), on: changedOn });
    },
    volgindicaties: () => new Map([...active()].map(([bsn, f]) => [bsn, f.einddatum])),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function view(bsn: string, f: { begindatum: string; einddatum: string | null }): Json {
  return { burgerservicenummer: bsn, begindatum: f.begindatum, ...(f.einddatum ? { einddatum: f.einddatum } : {}) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What `fields` selects from a person: each path, merged, plus what the BRP delivers by itself. */
export function selectFields(persoon: Json, fields: string[]): Json {
  let out: Json = {};
  for (const f of fields) out = merge(out, select(persoon, f.split('.')) as Json) as Json;
  for (const k of AUTOMATIC_FIELDS) if (persoon[k] !== undefined) out[k] = structuredClone(persoon[k]);
  return out;
}

function isWhole(value: Json): boolean {
  if (typeof value.type === 'string' && DATE_TYPES.has(value.type)) return true; // a date comes whole
  const keys = Object.keys(value);
  return 'code' in value && keys.every((k) => k === 'code' || k === 'omschrijving' || k === 'soort'); // a table value too
}

function select(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => select(v, path) ?? {});
  if (!value || typeof value !== 'object') return value;
  const obj = value as Json;
  if (path.length === 0 || isWhole(obj)) return structuredClone(obj);
  const out: Json = {};
  // a polymorphic object (verblijfplaats) brings its type along, and a verblijfplaats its indication
  if (typeof obj.type === 'string') out.type = obj.type;
  if (obj.indicatieVastgesteldVerblijftNietOpAdres !== undefined) out.indicatieVastgesteldVerblijftNietOpAdres = obj.indicatieVastgesteldVerblijftNietOpAdres;
  const [head, ...rest] = path;
  if (obj[head] !== undefined) out[head] = select(obj[head], rest);
  return Object.keys(out).length ? out : undefined;
}

function merge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (a === undefined) return b;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((v, i) => merge(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Json = { ...(a as Json) };
    for (const [k, v] of Object.entries(b as Json)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}
