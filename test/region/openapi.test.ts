import { expect } from 'chai';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Express } from 'express';
import { openApiDocument, type OpenApiDocument } from '../../region/http/openapi.js';
import type { Operation, Parameter, Reference, RequestBody, Response, Schema } from '../../region/http/openapi/types.js';
import { eventually, nationalSettings } from '../helpers/federation.js';
import { startTestNational } from '../helpers/national.js';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type ApiResponse, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** Every route the express routers register, written by hand: the first test checks it against express itself. */
const ROUTES = [
  'get /health',
  'get /api/v1/openapi.json',
  'post /api/v1/admin/municipalities',
  'get /api/v1/admin/municipalities',
  'get /api/v1/admin/municipalities/:code/notices',
  'post /api/v1/admin/municipalities/:code/checker-tokens',
  'post /api/v1/admin/institutions/:id/professionals/:pid/coordinator',
  'post /api/v1/admin/institutions/:id/handovers',
  'get /api/v1/admin/reports/informing',
  'post /api/v1/admin/inspection-reports',
  'post /api/v1/admin/data-subject-removals',
  'get /api/v1/admin/connector',
  'get /api/v1/admin/connector/dead-letters',
  'post /api/v1/admin/connector/sync',
  'post /api/v1/admin/connector/reconcile',
  'post /api/v1/admin/accounts',
  'get /api/v1/admin/accounts',
  'post /api/v1/admin/accounts/:id/setup-code',
  'get /api/v1/checker/matches/overdue',
  'get /api/v1/checker/matches/:id',
  'post /api/v1/checker/matches/:id/escalations',
  'post /api/v1/checker/escalations/:id/outcome',
  'get /api/v1/checker/notices',
  'post /api/v1/admin/institutions',
  'get /api/v1/admin/institutions',
  'post /api/v1/admin/institutions/:id/professionals',
  'get /api/v1/admin/institutions/:id/professionals',
  'post /api/v1/admin/institutions/:id/professionals/:pid/deauthorisation',
  'post /api/v1/admin/institutions/:id/professionals/:pid/authorisation',
  'post /api/v1/admin/institutions/:id/api-keys',
  'get /api/v1/admin/institutions/:id/api-keys',
  'post /api/v1/admin/institutions/:id/api-keys/:keyId/revocation',
  'post /api/v1/signals',
  'get /api/v1/signals',
  'get /api/v1/signals/:id',
  'post /api/v1/signals/:id/extension',
  'post /api/v1/signals/:id/removal',
  'get /api/v1/matches',
  'get /api/v1/matches/:id',
  'get /api/v1/notices',
  'post /api/v1/signals/:id/informing',
  'get /api/v1/informing/outstanding',
  'post /api/v1/matches/:id/regievoerder',
  'post /api/v1/matches/:id/contact',
  'post /api/v1/institution/handovers',
] as const;

const toTemplate = (route: string): string => route.replace(/:(\w+)/g, '{$1}');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/**
 * The JSON API routes express actually holds: the app's own routes plus those of each mounted
 * router, with its mount path; only /health and /api/* (pages for people, such as a portal, are no part of the API).
 */
function expressRoutes(app: Express): string[] {
  interface Layer { rawPath?: unknown; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  const routes = (layer: Layer, prefix: string): string[] =>
    layer.route ? Object.keys(layer.route.methods).map((m) => `${m} ${prefix}${layer.route!.path}`) : [];
  const mount = (layer: Layer): string => (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '');
  return stack
    .flatMap((layer) => (layer.route ? routes(layer, '') : (layer.handle?.stack ?? []).flatMap((inner) => routes(inner, mount(layer)))))
    .filter((route) => / (\/health|\/api\/.*)$/.test(route));
}

function operations(doc: OpenApiDocument): { method: Method; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method]! })),
  );
}

function pointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function deref<T>(doc: OpenApiDocument, value: T | Reference): T {
  return '$ref' in (value as object) ? (pointer(doc, (value as Reference).$ref) as T) : (value as T);
}

function allRefs(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => allRefs(v, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : allRefs(v, `${at}/${k}`)));
}

const SCHEMA_BASE = 'https://verwijsindex.example/openapi/schemas/';

/** Rewrites component refs to absolute ids, so that ajv resolves them against the schemas added under those ids. */
function rebase<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => {
    if (key !== '$ref' || typeof v !== 'string') return v;
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(v);
    if (!m) throw new Error(`a schema may only refer to a whole component schema, not ${v}`);
    return SCHEMA_BASE + m[1];
  }) as T;
}

/** Validates real answers (and the bodies sent) against the schemas the document gives. */
class Conformance {
  readonly ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  /** "method path status" of every answer checked. */
  readonly exercised = new Set<string>();

  constructor(readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(doc.components.schemas)) this.ajv.addSchema(rebase(schema), SCHEMA_BASE + name);
  }

  operation(method: Method, path: string): Operation {
    const op = this.doc.paths[path]?.[method];
    if (!op) throw new Error(`the document has no operation ${method.toUpperCase()} ${path}`);
    return op;
  }

  validate(schema: Schema, value: unknown, what: string): void {
    const check = this.ajv.compile(rebase(schema));
    if (!check(value)) {
      expect.fail(`${what} does not conform: ${this.ajv.errorsText(check.errors, { separator: '; ' })}\n${JSON.stringify(value, null, 1)}`);
    }
  }

  isValid(schema: Schema, value: unknown): boolean {
    return this.ajv.compile(rebase(schema))(value) as boolean;
  }

  responseSchema(method: Method, path: string, status: number): Schema {
    const listed = this.operation(method, path).responses[String(status)];
    if (!listed) expect.fail(`${method.toUpperCase()} ${path} answered ${status}, which the document does not list`);
    const schema = deref<Response>(this.doc, listed).content?.['application/json']?.schema;
    if (!schema) expect.fail(`${method.toUpperCase()} ${path} ${status} has no application/json schema`);
    return schema;
  }

  requestSchema(method: Method, path: string): Schema | undefined {
    const body = this.operation(method, path).requestBody;
    return body ? deref<RequestBody>(this.doc, body).content['application/json'].schema : undefined;
  }

  check(method: Method, path: string, res: ApiResponse): void {
    expect(res.headers.get('content-type'), `${method} ${path} content-type`).to.match(/^application\/json\b/);
    this.validate(this.responseSchema(method, path, res.status), res.body, `${method.toUpperCase()} ${path} ${res.status}`);
    this.exercised.add(`${method} ${path} ${res.status}`);
  }
}

/** Who calls: the administrator, a case system acting for a professional, or a bare bearer token (a checker's). */
type Credentials = 'admin' | { token: string; professionalId?: string };

interface Send {
  /** The region to ask; the test's own region by default. */
  at?: TestRegion;
  as?: Credentials;
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

describe('the OpenAPI document of the regional index', () => {
  let t: TestRegion;
  let area: TestArea;
  let served: OpenApiDocument;
  let api: Conformance;

  /** A real request to a documented operation: checks the status, the answer against the document, and a valid body against the request schema. */
  async function send(method: Method, path: string, expected: number, o: Send = {}): Promise<ApiResponse> {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(o.params?.[name] ?? expect.fail(`no value for {${name}}`)));
    const url = o.query ? `${filled}?${o.query}` : filled;
    const auth = o.as === 'admin' ? { token: ADMIN_TOKEN } : o.as ? { token: o.as.token, professionalId: o.as.professionalId } : {};
    const res = await call((o.at ?? t).baseUrl, method.toUpperCase(), url, { ...auth, body: o.body, rawBody: o.rawBody, headers: o.headers });
    expect(res.status, `${method.toUpperCase()} ${url}: ${JSON.stringify(res.body)}`).to.equal(expected);
    api.check(method, path, res);
    const requestSchema = api.requestSchema(method, path);
    if (requestSchema && o.body !== undefined && expected < 300) api.validate(requestSchema, o.body, `the request body of ${method.toUpperCase()} ${path}`);
    if (requestSchema && o.body !== undefined && res.body?.error?.code === 'VALIDATION_ERROR') {
      expect(api.isValid(requestSchema, o.body), `the document accepts a body the server refuses: ${JSON.stringify(o.body)}`).to.equal(false);
    }
    return res;
  }

  /** An answer outside any documented operation (unknown route): it must still be the shared Error shape. */
  async function sendUndocumented(method: string, url: string, expected: number, as?: Caller): Promise<ApiResponse> {
    const res = await call(t.baseUrl, method, url, as ? { token: as.token, professionalId: as.professionalId } : {});
    expect(res.status, `${method} ${url}`).to.equal(expected);
    api.validate({ $ref: '#/components/schemas/Error' }, res.body, `${method} ${url} ${res.status}`);
    return res;
  }

  const youth = (bsn: string, extra: Record<string, unknown> = {}) => ({ bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true, ...extra });

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
    const res = await call<OpenApiDocument>(t.baseUrl, 'GET', '/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    served = res.body;
    api = new Conformance(served);
  });
  afterEach(async () => t.close());

  it('serves the document it exports, and the document is well formed OpenAPI 3.1', async () => {
    expect(served).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
    expect(served.openapi).to.match(/^3\.1\.\d+$/);
    const broken = allRefs(served).filter(({ ref }) => pointer(served, ref) === undefined);
    expect(broken, 'every $ref resolves').to.deep.equal([]);
    for (const name of Object.keys(served.components.schemas)) {
      expect(api.ajv.getSchema(SCHEMA_BASE + name), `components.schemas.${name} compiles under JSON Schema 2020-12`).to.be.a('function');
    }
    const ids = new Set<string>();
    for (const { method, path, op } of operations(served)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} is unique`).to.equal(false);
      ids.add(op.operationId);
      expect(op.summary && op.description, `${where} is described`).to.be.a('string');
      for (const tag of op.tags) expect(served.tags.map((t) => t.name), `${where} tag`).to.include(tag);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), `${where} has a success response`).to.equal(true);
      for (const status of statuses) {
        const schema = api.responseSchema(method, path, Number(status));
        if (Number(status) >= 400) expect(schema.allOf?.[0]?.$ref, `${where} ${status} uses the shared Error schema`).to.equal('#/components/schemas/Error');
      }
      const declared = [...(served.paths[path].parameters ?? []), ...(op.parameters ?? [])].map((p) => deref<Parameter>(served, p));
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(declared.filter((p) => p.in === 'path').map((p) => p.name).sort(), `${where} declares its path parameters`).to.deep.equal(inPath);
      const security = (op.security ?? []).flatMap((s) => Object.keys(s));
      for (const scheme of security) expect(served.components.securitySchemes, `${where} security`).to.have.property(scheme);
      if (path.startsWith('/api/v1/admin/')) {
        expect(security, `${where} needs the admin token`).to.deep.equal(['adminToken']);
        expect(op.responses, `${where} documents 401`).to.have.property('401');
      } else if (path.startsWith('/api/v1/checker/')) {
        expect(security, `${where} needs a checker token`).to.deep.equal(['checkerToken']);
        expect(op.responses, `${where} documents 401`).to.have.property('401');
      } else if (path === '/health' || path === '/api/v1/openapi.json') {
        expect(security, `${where} is open`).to.deep.equal([]);
      } else {
        expect(security, `${where} needs an API key`).to.deep.equal(['apiKey']);
        expect(declared.map((p) => p.name), `${where} takes X-Professional-Id`).to.include('X-Professional-Id');
        expect(op.responses, `${where} documents 401 and 403`).to.include.keys('401', '403');
      }
    }
  });

  it('documents every API route the express routers register, and no route they do not', async () => {
    expect(expressRoutes(t.region.app).sort(), 'the hand-written route list is what express holds').to.deep.equal([...ROUTES].sort());
    const documented = operations(served).map(({ method, path }) => `${method} ${path}`).sort();
    expect(documented).to.deep.equal(ROUTES.map((r) => { const [m, p] = r.split(' '); return `${m} ${toTemplate(p)}`; }).sort());
  });

  it('answers every documented request with a body that conforms to the OpenAPI document', async () => {
    const { a, a2, b, c } = area;
    await send('get', '/health', 200);
    await send('get', '/api/v1/openapi.json', 200);

    // The covenant area (7.1.3.1-7.1.3.3).
    const checker = { name: 'Checker Amsterdam', email: 'checker@0363.example.org', phone: '020-1234567' };
    await send('post', '/api/v1/admin/municipalities', 201, { as: 'admin', body: { code: '0363', name: 'Amsterdam', checker } });
    await send('get', '/api/v1/admin/municipalities', 200, { as: 'admin' });
    const coordinator = { name: 'Coco Ordinator', email: 'coordinator@example.org', phone: '+31 20 123 4567' };
    const inst = (await send('post', '/api/v1/admin/institutions', 201, { as: 'admin', body: { name: 'Veilig Thuis Amsterdam', category: 'veilig-thuis', coordinator } })).body.id as string;
    const listed = await send('get', '/api/v1/admin/institutions', 200, { as: 'admin' });
    expect(listed.body.map((i: { coordinator_name: string | null }) => i.coordinator_name)).to.include.members([null, coordinator.name]);
    const pro = { name: 'Vera Veilig', function: 'Aandachtsfunctionaris', email: 'vera@example.org', phone: '020-7654321' };
    const pid = (await send('post', '/api/v1/admin/institutions/{id}/professionals', 201, { as: 'admin', params: { id: inst }, body: pro })).body.id as string;
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation', 200, { as: 'admin', params: { id: inst, pid } });
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/authorisation', 200, { as: 'admin', params: { id: inst, pid } });
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/coordinator', 200, { as: 'admin', params: { id: inst, pid }, body: { coordinator: true } });
    await send('get', '/api/v1/admin/institutions/{id}/professionals', 200, { as: 'admin', params: { id: inst } });
    const key = (await send('post', '/api/v1/admin/institutions/{id}/api-keys', 201, { as: 'admin', params: { id: inst }, body: { label: 'Zaaksysteem' } })).body;
    await send('post', '/api/v1/admin/institutions/{id}/api-keys', 201, { as: 'admin', params: { id: inst } });
    await send('post', '/api/v1/admin/institutions/{id}/api-keys/{keyId}/revocation', 200, { as: 'admin', params: { id: inst, keyId: key.id } });
    const keys = await send('get', '/api/v1/admin/institutions/{id}/api-keys', 200, { as: 'admin', params: { id: inst } });
    expect(keys.body.map((k: { revoked_at: string | null }) => k.revoked_at === null)).to.have.members([true, false]);
    const checkerOf0344 = { token: (await send('post', '/api/v1/admin/municipalities/{code}/checker-tokens', 201, { as: 'admin', params: { code: '0344' } })).body.token as string };

    // Signals, a match of three, and its end (7.1.4.2-7.1.4.6, 7.1.4.3(2)).
    const sa = (await send('post', '/api/v1/signals', 201, { as: a, body: youth(BSN[0]) })).body;
    expect(sa.matchId).to.equal(null);
    await send('post', '/api/v1/signals', 200, { as: a, body: youth(BSN[0]) });
    const idem = { 'idempotency-key': 'zaak-2026-0042' };
    const sb = (await send('post', '/api/v1/signals', 201, { as: b, body: youth(BSN[0]), headers: idem })).body;
    expect(sb.matchId).to.be.a('string');
    await send('post', '/api/v1/signals', 201, { as: b, body: youth(BSN[0]), headers: idem });
    const sc = (await send('post', '/api/v1/signals', 201, { as: c, body: youth(BSN[0], { municipality: '0356' }) })).body;
    await send('get', '/api/v1/signals/{id}', 200, { as: a, params: { id: sa.id } });
    await send('get', '/api/v1/matches/{id}', 200, { as: a, params: { id: sb.matchId } });

    const short = (await send('post', '/api/v1/signals', 201, { as: a, body: youth(BSN[1], { removalDate: '2027-01-01' }) })).body;
    const extended = await send('post', '/api/v1/signals/{id}/extension', 200, { as: a, params: { id: short.id }, body: { removalDate: '2027-06-01' } });
    expect(extended.body.removalDate).to.equal('2027-06-01');
    await send('post', '/api/v1/signals/{id}/extension', 200, { as: a, params: { id: short.id } });

    await send('post', '/api/v1/signals/{id}/removal', 200, { as: c, params: { id: sc.id }, body: { reason: 'risk-ended' } });
    const erased = await send('post', '/api/v1/signals/{id}/removal', 200, { as: a, params: { id: sa.id }, body: { reason: 'unjustified' } });
    expect(erased.body.status).to.equal('removed');
    const ended = await send('get', '/api/v1/matches/{id}', 200, { as: b, params: { id: sb.matchId } });
    expect(ended.body.status).to.equal('ended');

    // A colleague signals the youth again: a history notice on the archived signal (7.1.4.6) and a new match with b.
    const s2 = (await send('post', '/api/v1/signals', 201, { as: a2, body: youth(BSN[0]) })).body;
    expect(s2.matchId).to.be.a('string').and.not.equal(sb.matchId);
    const match2 = { id: s2.matchId as string };

    // The index removes signals itself: expiry archives, the 23rd birthday erases (7.1.4.5, 7.1.4.6).
    t.region.signals.removeBySystem(short.id, 'expired');
    const other = (await send('post', '/api/v1/signals', 201, { as: a, body: youth(BSN[2]) })).body;
    t.region.signals.removeBySystem(other.id, 'age-23');
    const signals = await send('get', '/api/v1/signals', 200, { as: a });
    expect(signals.body.map((s: { status: string }) => s.status)).to.have.members(['archived', 'removed', 'removed']);

    // Informing (7.1.5.1), coordination after the match, and the checker who follows it up (7.1.3.2).
    const outstanding = await send('get', '/api/v1/informing/outstanding', 200, { as: b });
    expect(outstanding.body.map((o: { signalId: string }) => o.signalId)).to.include(sb.id);
    await send('post', '/api/v1/signals/{id}/informing', 200, { as: b, params: { id: sb.id }, body: { informedOn: '2026-03-02', method: 'in-person' } });
    await send('post', '/api/v1/signals/{id}/informing', 200, { as: a2, params: { id: s2.id }, body: { informed: ['youth', 'legal-representative'], informedOn: '2026-03-01', method: 'letter' } });
    await send('get', '/api/v1/admin/reports/informing', 200, { as: 'admin' });
    const overdue = await send('get', '/api/v1/checker/matches/overdue', 200, { as: checkerOf0344, query: 'days=0' });
    expect(overdue.body.map((m: { id: string }) => m.id)).to.include(match2.id);
    await send('get', '/api/v1/checker/matches/overdue', 200, { as: checkerOf0344 });
    const escalation = (await send('post', '/api/v1/checker/matches/{id}/escalations', 201, { as: checkerOf0344, params: match2, body: { note: 'Gebeld met beide.' } })).body;
    await send('post', '/api/v1/checker/matches/{id}/escalations', 201, { as: checkerOf0344, params: match2 });
    await send('post', '/api/v1/checker/escalations/{id}/outcome', 200, { as: checkerOf0344, params: { id: escalation.id }, body: { outcome: 'contact-made' } });
    await send('post', '/api/v1/matches/{id}/regievoerder', 200, { as: b, params: match2, body: { professionalId: a2.professionalId } });
    await send('post', '/api/v1/matches/{id}/contact', 200, { as: b, params: match2 });
    const coordinated = await send('post', '/api/v1/matches/{id}/contact', 200, { as: a2, params: match2 });
    expect(coordinated.body).to.include({ coordinated: true });
    const seen = await send('get', '/api/v1/checker/matches/{id}', 200, { as: checkerOf0344, params: match2 });
    expect(seen.body.escalations).to.have.length(2);
    await send('get', '/api/v1/checker/notices', 200, { as: checkerOf0344 });
    for (const code of ['0344', '0356']) {
      const notices = await send('get', '/api/v1/admin/municipalities/{code}/notices', 200, { as: 'admin', params: { code } });
      expect(notices.body).to.have.length.greaterThan(0);
    }

    // Hand-overs within institution A (7.1.3.3): by its coordinator through the case system, and back by the administrator.
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/coordinator', 200, { as: 'admin', params: { id: a.institutionId, pid: a.professionalId }, body: { coordinator: true } });
    const handedOver = await send('post', '/api/v1/institution/handovers', 200, { as: a, body: { from: a2.professionalId, to: a.professionalId } });
    expect(handedOver.body.matches).to.deep.equal([match2.id]);
    await send('post', '/api/v1/admin/institutions/{id}/handovers', 200, { as: 'admin', params: { id: a.institutionId }, body: { from: a.professionalId, to: a2.professionalId } });

    // Portal accounts: one person in one role, each with a one-time setup code.
    const accounts = [
      { role: 'professional', professionalId: b.professionalId },
      { role: 'coordinator', professionalId: pid, username: 'vera.coordinator' },
      { role: 'checker', municipality: '0344', name: 'Checker Utrecht', username: 'checker.utrecht' },
      { role: 'admin', name: 'Functioneel beheerder', username: 'beheer' },
    ];
    const created = [];
    for (const body of accounts) created.push((await send('post', '/api/v1/admin/accounts', 201, { as: 'admin', body })).body);
    await send('get', '/api/v1/admin/accounts', 200, { as: 'admin' });
    await send('post', '/api/v1/admin/accounts/{id}/setup-code', 201, { as: 'admin', params: { id: created[0].id } });

    // Data-subject requests (7.1.5.2): inspection, then removal after an objection.
    const report = await send('post', '/api/v1/admin/inspection-reports', 200, { as: 'admin', body: { bsn: BSN[0] } });
    expect(report.body.access.map((x: { by: { kind: string } }) => x.by.kind)).to.include.members(['professional', 'checker']);
    await send('post', '/api/v1/signals', 201, { as: c, body: youth(BSN[3]) });
    const objection = await send('post', '/api/v1/admin/data-subject-removals', 200, { as: 'admin', body: { bsn: BSN[3], reason: 'objection' } });
    expect(objection.body).to.include({ removedActive: 1, destroyedArchived: 0 });

    const matches = await send('get', '/api/v1/matches', 200, { as: b });
    expect(matches.body.map((m: { status: string }) => m.status)).to.have.members(['active', 'ended']);
    const kinds = new Set<string>();
    for (const who of [a, a2, b, c]) {
      const notices = await send('get', '/api/v1/notices', 200, { as: who });
      for (const n of notices.body) kinds.add(`${n.kind}${n.matchEnded === undefined ? '' : `:${n.matchEnded}`}`);
    }
    expect([...kinds]).to.include.members([
      'match', 'participant-joined', 'participant-left:false', 'participant-left:true', 'participant-changed', 'regievoerder', 'history', 'handover',
    ]);
    const again = await send('get', '/api/v1/notices', 200, { as: b });
    expect(again.body.every((n: { read: boolean }) => n.read)).to.equal(true);

    // Time passes: a reminder of the duty to inform (7.1.5.1), then removal at the end of the term and of the archive (7.1.4.5, 7.1.4.6).
    await send('post', '/api/v1/signals', 201, { as: c, body: youth(BSN[4]) });
    t.clock.advanceDays(15);
    t.region.lifecycle.runInformingReminders();
    const reminded = await send('get', '/api/v1/notices', 200, { as: c });
    expect(reminded.body.map((n: { kind: string }) => n.kind)).to.include('informing-reminder');
    t.clock.set('2031-03-10T10:00:00+01:00');
    t.region.lifecycle.runRemoval();
    const destroyed = await send('get', '/api/v1/signals', 200, { as: c });
    expect(destroyed.body.map((s: { removalReason: string }) => s.removalReason)).to.include('risk-ended');
    expect(destroyed.body.every((s: { status: string }) => s.status !== 'active')).to.equal(true);
    await send('get', '/api/v1/signals', 200, { as: b });
    await send('get', '/api/v1/matches', 200, { as: a2 });
    await send('get', '/api/v1/notices', 200, { as: b });

    // Across regions (7.1.2.3): the national index matches a youth signalled in two regions, and the connector shows the link.
    const nat = await startTestNational();
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'Regio A' }, ...nationalSettings(nat.url) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'Regio B' }, ...nationalSettings(nat.url) });
    try {
      const [inA, inB] = [await setupArea(ra.baseUrl), await setupArea(rb.baseUrl)];
      const local = (await send('post', '/api/v1/signals', 201, { at: ra, as: inA.a, body: youth(BSN[0]) })).body;
      const remote = (await send('post', '/api/v1/signals', 201, { at: rb, as: inB.b, body: youth(BSN[0]) })).body;
      const acrossId = await eventually(async () => {
        const r = await call(ra.baseUrl, 'GET', `/api/v1/signals/${local.id}`, { token: inA.a.token, professionalId: inA.a.professionalId });
        return (r.body.matchId as string | null) ?? undefined;
      }, 10_000, 'the cross-region match in region A');
      const across = await send('get', '/api/v1/matches/{id}', 200, { at: ra, as: inA.a, params: { id: acrossId } });
      expect(across.body.participants.map((p: { professional: { region?: string } }) => p.professional.region)).to.include('regio-b');
      await send('get', '/api/v1/matches', 200, { at: ra, as: inA.a });
      await send('get', '/api/v1/notices', 200, { at: ra, as: inA.a });
      const checkerOfA = { token: (await send('post', '/api/v1/admin/municipalities/{code}/checker-tokens', 201, { at: ra, as: 'admin', params: { code: '0344' } })).body.token as string };
      await send('get', '/api/v1/checker/matches/{id}', 200, { at: ra, as: checkerOfA, params: { id: acrossId } });
      await send('get', '/api/v1/checker/notices', 200, { at: ra, as: checkerOfA });
      await send('get', '/api/v1/admin/connector', 200, { at: ra, as: 'admin' });
      await send('get', '/api/v1/admin/connector/dead-letters', 200, { at: ra, as: 'admin' });
      await send('post', '/api/v1/admin/connector/sync', 202, { at: ra, as: 'admin' });
      await send('post', '/api/v1/admin/connector/reconcile', 200, { at: ra, as: 'admin' });
      await send('post', '/api/v1/signals/{id}/removal', 200, { at: rb, as: inB.b, params: { id: remote.id }, body: { reason: 'risk-ended' } });
      await eventually(async () => {
        const r = await call(ra.baseUrl, 'GET', `/api/v1/matches/${acrossId}`, { token: inA.a.token, professionalId: inA.a.professionalId });
        return r.body.status === 'ended' || undefined;
      }, 10_000, 'the end of the cross-region match in region A');
      const left = await send('get', '/api/v1/notices', 200, { at: ra, as: inA.a });
      expect(left.body.map((n: { kind: string }) => n.kind)).to.include('participant-left');
      await send('get', '/api/v1/matches/{id}', 200, { at: ra, as: inA.a, params: { id: acrossId } });
    } finally {
      await ra.close();
      await rb.close();
      await nat.close();
    }

    const missing = operations(served).filter(({ method, path, op }) =>
      Object.keys(op.responses).some((s) => /^2/.test(s) && !api.exercised.has(`${method} ${path} ${s}`)),
    );
    expect(missing.map(({ method, path }) => `${method} ${path}`), 'every documented success answer was exercised').to.deep.equal([]);
  });

  it('answers malformed, unauthenticated, unknown, invalid, conflicting and oversized requests with the documented Error body', async () => {
    const { a, a2, b, c } = area;
    const code = (res: ApiResponse): string => res.body.error.code;
    const sa = (await send('post', '/api/v1/signals', 201, { as: a, body: youth(BSN[0]) })).body;
    const matchId = (await send('post', '/api/v1/signals', 201, { as: b, body: youth(BSN[0]) })).body.matchId as string;
    const checkerOf0344 = { token: (await send('post', '/api/v1/admin/municipalities/{code}/checker-tokens', 201, { as: 'admin', params: { code: '0344' } })).body.token as string };

    // Unreadable bodies are refused before routing and authentication.
    expect(code(await send('post', '/api/v1/signals', 400, { as: a, rawBody: '{"bsn": "1112' }))).to.equal('MALFORMED_JSON');
    expect(code(await send('post', '/api/v1/admin/municipalities', 400, { rawBody: '[1, 2' }))).to.equal('MALFORMED_JSON');
    const oversized = JSON.stringify({ ...youth(BSN[1]), padding: 'x'.repeat(33 * 1024) });
    expect(oversized.length).to.be.greaterThan(32 * 1024);
    expect(code(await send('post', '/api/v1/signals', 413, { as: a, rawBody: oversized }))).to.equal('BODY_TOO_LARGE');
    expect(code(await send('post', '/api/v1/signals/{id}/removal', 413, { as: a, params: { id: sa.id }, rawBody: oversized }))).to.equal('BODY_TOO_LARGE');
    expect(code(await send('post', '/api/v1/checker/matches/{id}/escalations', 413, { as: checkerOf0344, params: { id: matchId }, rawBody: oversized }))).to.equal('BODY_TOO_LARGE');
    const latin1 = { 'content-type': 'application/json; charset=latin1' };
    expect(code(await send('post', '/api/v1/signals', 415, { as: a, rawBody: '{}', headers: latin1 }))).to.equal('UNSUPPORTED_MEDIA_TYPE');

    // Authentication, and the professional acted for.
    expect(code(await send('get', '/api/v1/signals', 401))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/notices', 401, { as: { ...a, token: 'vir_not-a-key' } }))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/admin/institutions', 401))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/admin/municipalities', 401, { as: a }))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/checker/notices', 401))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/checker/matches/overdue', 401, { as: { token: a.token } }))).to.equal('UNAUTHORIZED');
    expect(code(await send('get', '/api/v1/matches', 400, { as: { ...a, professionalId: '' } }))).to.equal('PROFESSIONAL_ID_REQUIRED');
    expect(code(await send('get', '/api/v1/signals', 403, { as: { ...a, professionalId: b.professionalId } }))).to.equal('FORBIDDEN');
    const withdrawn = { id: c.institutionId, pid: c.professionalId };
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation', 200, { as: 'admin', params: withdrawn });
    expect(code(await send('get', '/api/v1/informing/outstanding', 403, { as: c }))).to.equal('PROFESSIONAL_NOT_AUTHORISED');
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/authorisation', 200, { as: 'admin', params: withdrawn });
    expect(code(await send('post', '/api/v1/institution/handovers', 403, { as: a2, body: { from: a.professionalId, to: a2.professionalId } }))).to.equal('NOT_A_COORDINATOR');

    // Unknown routes and records.
    expect(code(await sendUndocumented('GET', '/no-such-page', 404))).to.equal('NOT_FOUND');
    expect(code(await sendUndocumented('GET', '/api/v1/no-such-endpoint', 404, a))).to.equal('NOT_FOUND');
    expect(code(await sendUndocumented('DELETE', `/api/v1/signals/${sa.id}`, 404, a))).to.equal('NOT_FOUND');
    expect(code(await sendUndocumented('GET', '/api/v1/no-such-endpoint', 401))).to.equal('UNAUTHORIZED');
    await send('get', '/api/v1/signals/{id}', 404, { as: b, params: { id: sa.id } });
    await send('get', '/api/v1/matches/{id}', 404, { as: c, params: { id: matchId } });
    await send('post', '/api/v1/signals/{id}/extension', 404, { as: a, params: { id: 'no-such-signal' }, body: { removalDate: '2027-01-01' } });
    await send('post', '/api/v1/signals/{id}/removal', 404, { as: b, params: { id: sa.id }, body: { reason: 'unjustified' } });
    await send('post', '/api/v1/signals/{id}/informing', 404, { as: b, params: { id: sa.id }, body: { informedOn: '2026-03-01', method: 'phone' } });
    await send('post', '/api/v1/matches/{id}/regievoerder', 404, { as: c, params: { id: matchId }, body: { professionalId: c.professionalId } });
    await send('post', '/api/v1/matches/{id}/contact', 404, { as: c, params: { id: matchId } });
    const nowhere = { id: 'no-such-institution', pid: a.professionalId, keyId: 'no-such-key', code: '0363' };
    const valid = { name: 'Nina Nergens', function: 'Mentor', email: 'nina@example.org', phone: '06-11111111' };
    await send('post', '/api/v1/admin/institutions/{id}/professionals', 404, { as: 'admin', params: nowhere, body: valid });
    await send('get', '/api/v1/admin/institutions/{id}/professionals', 404, { as: 'admin', params: nowhere });
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation', 404, { as: 'admin', params: nowhere });
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/authorisation', 404, { as: 'admin', params: { id: b.institutionId, pid: a.professionalId } });
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/coordinator', 404, { as: 'admin', params: nowhere, body: { coordinator: true } });
    await send('post', '/api/v1/admin/institutions/{id}/api-keys', 404, { as: 'admin', params: nowhere });
    await send('get', '/api/v1/admin/institutions/{id}/api-keys', 404, { as: 'admin', params: nowhere });
    await send('post', '/api/v1/admin/institutions/{id}/api-keys/{keyId}/revocation', 404, { as: 'admin', params: { id: a.institutionId, keyId: 'no-such-key' } });
    await send('get', '/api/v1/admin/municipalities/{code}/notices', 404, { as: 'admin', params: nowhere });
    await send('post', '/api/v1/admin/municipalities/{code}/checker-tokens', 404, { as: 'admin', params: nowhere });
    await send('post', '/api/v1/admin/institutions/{id}/handovers', 404, { as: 'admin', params: { id: a.institutionId }, body: { from: a.professionalId, to: b.professionalId } });
    await send('get', '/api/v1/checker/matches/{id}', 404, { as: checkerOf0344, params: { id: 'no-such-match' } });
    await send('post', '/api/v1/checker/matches/{id}/escalations', 404, { as: checkerOf0344, params: { id: 'no-such-match' } });
    await send('post', '/api/v1/checker/escalations/{id}/outcome', 404, { as: checkerOf0344, params: { id: 'no-such-escalation' }, body: { outcome: 'other' } });

    // Validation: the message names what to fix, and the document refuses the same bodies.
    for (const body of [{ ...youth(BSN[1]), riskCriterion: 'a' }, { bsn: BSN[1] }, [youth(BSN[1])]]) {
      expect(code(await send('post', '/api/v1/signals', 400, { as: a, body }))).to.equal('VALIDATION_ERROR');
    }
    expect(code(await send('post', '/api/v1/signals', 400, { as: a, body: youth('123456789') }))).to.equal('INVALID_BSN');
    expect(code(await send('post', '/api/v1/signals', 400, { as: a, body: youth(BSN[1], { legalGroundConfirmed: false }) }))).to.equal('LEGAL_GROUND_NOT_CONFIRMED');
    expect(code(await send('post', '/api/v1/signals', 400, { as: a, body: youth(BSN[1], { removalDate: '2028-03-03' }) }))).to.equal('REMOVAL_DATE_TOO_LATE');
    expect(code(await send('post', '/api/v1/signals', 400, { as: a, body: youth(BSN[1]), headers: { 'idempotency-key': 'has spaces' } }))).to.equal('INVALID_IDEMPOTENCY_KEY');
    const ownSignal = { as: a, params: { id: sa.id } };
    expect(code(await send('post', '/api/v1/signals/{id}/extension', 400, { ...ownSignal, body: { removalDate: '2026-13-01' } }))).to.equal('INVALID_REMOVAL_DATE');
    expect(code(await send('post', '/api/v1/signals/{id}/extension', 400, { ...ownSignal, body: { until: '2027-01-01' } }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/signals/{id}/extension', 400, ownSignal))).to.equal('NOT_AN_EXTENSION');
    expect(code(await send('post', '/api/v1/signals/{id}/removal', 400, { ...ownSignal, body: { reason: 'bored' } }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/signals/{id}/informing', 400, { ...ownSignal, body: { informedOn: '2026-02-30', method: 'phone' } }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/signals/{id}/informing', 400, { ...ownSignal, body: { informedOn: '2026-03-03', method: 'phone' } }))).to.equal('INFORMED_IN_FUTURE');
    expect(code(await send('post', '/api/v1/matches/{id}/regievoerder', 400, { as: a, params: { id: matchId }, body: {} }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('get', '/api/v1/checker/matches/overdue', 400, { as: checkerOf0344, query: 'days=-1' }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('get', '/api/v1/checker/matches/overdue', 400, { as: checkerOf0344, query: 'bsn=111222333' }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/checker/matches/{id}/escalations', 400, { as: checkerOf0344, params: { id: matchId }, body: { note: 'x'.repeat(1001) } }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/admin/inspection-reports', 400, { as: 'admin', body: { bsn: '123456789' } }))).to.equal('INVALID_BSN');
    const admin400 = [
      ['/api/v1/admin/municipalities', { code: '363', name: 'Amsterdam', checker: { name: 'C', email: 'c@example.org', phone: '020-1234567' } }],
      ['/api/v1/admin/institutions', { name: 'School', category: 'kapper' }],
      ['/api/v1/admin/institutions/{id}/professionals', { ...valid, email: 'not-an-address' }],
      ['/api/v1/admin/institutions/{id}/api-keys', { label: 'x'.repeat(101) }],
      ['/api/v1/admin/institutions/{id}/professionals/{pid}/coordinator', { coordinator: 'yes' }],
      ['/api/v1/admin/institutions/{id}/handovers', { from: a.professionalId }],
      ['/api/v1/admin/inspection-reports', {}],
      ['/api/v1/admin/data-subject-removals', { bsn: BSN[0], reason: 'unjustified' }],
    ] as const;
    for (const [path, body] of admin400) {
      expect(code(await send('post', path, 400, { as: 'admin', params: { id: a.institutionId, pid: a.professionalId }, body }))).to.equal('VALIDATION_ERROR');
    }

    expect(code(await send('post', '/api/v1/admin/accounts', 400, { as: 'admin', body: { role: 'boss', name: 'B', username: 'boss' } }))).to.equal('VALIDATION_ERROR');
    expect(code(await send('post', '/api/v1/admin/accounts', 400, { as: 'admin', body: { role: 'admin', name: 'Beheer', username: 'x' } }))).to.equal('VALIDATION_ERROR');
    await send('post', '/api/v1/admin/accounts', 404, { as: 'admin', body: { role: 'professional', professionalId: 'no-such-professional' } });
    await send('post', '/api/v1/admin/accounts', 404, { as: 'admin', body: { role: 'checker', municipality: '0363', name: 'Checker', username: 'checker.amsterdam' } });
    await send('post', '/api/v1/admin/accounts/{id}/setup-code', 404, { as: 'admin', params: { id: 'no-such-account' } });

    // Conflicts and refusals under the law.
    expect(code(await send('post', '/api/v1/admin/connector/sync', 409, { as: 'admin' }))).to.equal('CONNECTOR_DISABLED');
    expect(code(await send('post', '/api/v1/admin/connector/reconcile', 409, { as: 'admin' }))).to.equal('CONNECTOR_DISABLED');
    await send('post', '/api/v1/admin/accounts', 201, { as: 'admin', body: { role: 'professional', professionalId: b.professionalId } });
    expect(code(await send('post', '/api/v1/admin/accounts', 409, { as: 'admin', body: { role: 'professional', professionalId: b.professionalId } }))).to.equal('ACCOUNT_EXISTS');
    expect(code(await send('post', '/api/v1/admin/accounts', 409, { as: 'admin', body: { role: 'admin', name: 'Beheer', username: 'bea.beta@example.org' } }))).to.equal('USERNAME_TAKEN');
    expect(code(await send('post', '/api/v1/admin/accounts', 422, { as: 'admin', body: { role: 'coordinator', professionalId: b.professionalId } }))).to.equal('NOT_A_COORDINATOR');
    const checker = { name: 'Checker Utrecht', email: 'checker@0344.example.org', phone: '030-1234567' };
    expect(code(await send('post', '/api/v1/admin/municipalities', 409, { as: 'admin', body: { code: '0344', name: 'Utrecht', checker } }))).to.equal('MUNICIPALITY_EXISTS');
    const busy = { id: a.institutionId, pid: a.professionalId };
    expect(code(await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation', 409, { as: 'admin', params: busy }))).to.equal('ACTIVE_SIGNALS_PRESENT');
    expect(code(await send('post', '/api/v1/signals', 422, { as: a, body: youth(BSN[1], { birthDate: '2003-03-02' }) }))).to.equal('TOO_OLD');
    expect(code(await send('post', '/api/v1/signals', 422, { as: a, body: youth(BSN[1], { municipality: '0363' }) }))).to.equal('UNKNOWN_MUNICIPALITY');
    await send('post', '/api/v1/signals', 201, { as: a, body: youth(BSN[1]), headers: { 'idempotency-key': 'once' } });
    expect(code(await send('post', '/api/v1/signals', 422, { as: a, body: youth(BSN[2]), headers: { 'idempotency-key': 'once' } }))).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(code(await send('post', '/api/v1/matches/{id}/regievoerder', 422, { as: a, params: { id: matchId }, body: { professionalId: c.professionalId } }))).to.equal('NOT_A_PARTICIPANT');
    const handover = { as: 'admin' as const, params: { id: a.institutionId } };
    expect(code(await send('post', '/api/v1/admin/institutions/{id}/handovers', 422, { ...handover, body: { from: a.professionalId, to: a.professionalId } }))).to.equal('SAME_PROFESSIONAL');
    await send('post', '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation', 200, { as: 'admin', params: { id: a.institutionId, pid: a2.professionalId } });
    expect(code(await send('post', '/api/v1/admin/institutions/{id}/handovers', 422, { ...handover, body: { from: a.professionalId, to: a2.professionalId } }))).to.equal('PROFESSIONAL_NOT_AUTHORISED');
    const escalation = (await send('post', '/api/v1/checker/matches/{id}/escalations', 201, { as: checkerOf0344, params: { id: matchId } })).body;
    const outcome = { as: checkerOf0344, params: { id: escalation.id }, body: { outcome: 'no-contact-needed', note: 'Al afgestemd.' } };
    await send('post', '/api/v1/checker/escalations/{id}/outcome', 200, outcome);
    expect(code(await send('post', '/api/v1/checker/escalations/{id}/outcome', 409, outcome))).to.equal('ESCALATION_RESOLVED');
    await send('post', '/api/v1/signals/{id}/removal', 200, { ...ownSignal, body: { reason: 'objection' } });
    expect(code(await send('post', '/api/v1/signals/{id}/removal', 409, { ...ownSignal, body: { reason: 'objection' } }))).to.equal('SIGNAL_NOT_ACTIVE');
    expect(code(await send('post', '/api/v1/signals/{id}/extension', 409, ownSignal))).to.equal('SIGNAL_NOT_ACTIVE');
    expect(code(await send('post', '/api/v1/signals/{id}/informing', 409, { ...ownSignal, body: { informedOn: '2026-03-01', method: 'phone' } }))).to.equal('SIGNAL_NOT_ACTIVE');

    const statuses = new Set([...api.exercised].map((e) => e.split(' ')[2]));
    expect([...statuses]).to.include.members(['400', '401', '403', '404', '409', '413', '415', '422']);
  });
});
