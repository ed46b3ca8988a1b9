import { expect } from 'chai';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createBrpPersonenClient, createBrpUpdateClient } from '../../region/brp/client.js';
import { BRP_JSON_SCHEMAS, PERSON_FIELDS } from '../../region/brp/schema.js';
import { loadOfficialSpec, type OfficialSpec } from '../helpers/brp-spec.js';
import { startFakeBrp, type FakeBrp, type FakeBrpExchange } from '../helpers/fake-brp.js';
import { adres, CHILD, DECEASED, HOME, personen, SIBLING, UNKNOWN_TO_BRP } from './fixtures.js';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** Our own schema (region/brp/schema.ts) as ajv validators. */
function ourSchemas() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compile = (s: object) => ajv.compile(s);
  return {
    raadpleegResponse: compile(BRP_JSON_SCHEMAS.raadpleegResponse),
    volgindicatieResponse: compile(BRP_JSON_SCHEMAS.volgindicatieResponse),
    wijzigingenResponse: compile(BRP_JSON_SCHEMAS.wijzigingenResponse),
    problem: compile(BRP_JSON_SCHEMAS.problem),
  };
}

/** Calls the fake in every way the index does, and in the wrong ways, and keeps what it answered. */
async function exercise(brp: FakeBrp): Promise<FakeBrpExchange[]> {
  const options = { apiKey: brp.apiKey, apiKeyHeader: brp.apiKeyHeader, timeoutMs: 2000 };
  const personenClient = createBrpPersonenClient({ ...options, baseUrl: brp.personenUrl });
  const update = createBrpUpdateClient({ ...options, baseUrl: brp.updateUrl });
  const ignore = (p: Promise<unknown>) => p.catch(() => undefined);
  await personenClient.raadpleeg(personen().map((p) => String(p.burgerservicenummer)));
  await personenClient.raadpleeg([UNKNOWN_TO_BRP]);
  await ignore(personenClient.raadpleeg([CHILD], { gemeenteVanInschrijving: 'x' }));
  await update.follow(CHILD);
  await update.follow(CHILD, '2030-01-01');
  brp.put({ ...personen()[0], verblijfplaats: adres('0344010000777777') }, '2026-03-02');
  await update.wijzigingen('2026-03-01');
  await ignore(update.endFollow(SIBLING, '2000-01-01'));
  const raw = async (method: string, url: string, body?: string, headers: Record<string, string> = { [brp.apiKeyHeader]: brp.apiKey }) => {
    await fetch(url, { method, body, headers: body ? { 'content-type': 'application/json', ...headers } : headers });
  };
  await raw('POST', `${brp.personenUrl}/personen`, JSON.stringify({ type: 'RaadpleegMetBurgerservicenummer', burgerservicenummer: [CHILD], fields: ['anummer'] }));
  await raw('POST', `${brp.personenUrl}/personen`, JSON.stringify({ type: 'RaadpleegMetBurgerservicenummer', burgerservicenummer: [CHILD] }));
  await raw('POST', `${brp.personenUrl}/personen`, JSON.stringify({ type: 'RaadpleegMetBurgerservicenummer', burgerservicenummer: [CHILD], fields: ['naam'] }), {});
  await raw('POST', `${brp.personenUrl}/personen`, 'type=x', { [brp.apiKeyHeader]: brp.apiKey, 'content-type': 'text/plain' });
  await raw('GET', `${brp.updateUrl}/volgindicaties`);
  await raw('GET', `${brp.updateUrl}/volgindicaties/${CHILD}`);
  await raw('GET', `${brp.updateUrl}/volgindicaties/${DECEASED}`);
  await raw('GET', `${brp.updateUrl}/wijzigingen?vanaf=gisteren`);
  brp.setMode('unavailable');
  await ignore(personenClient.lookup(CHILD));
  await ignore(update.wijzigingen('2026-03-01'));
  return brp.exchanges;
}

/** The official operation of an exchange with the fake. */
function operationOf(e: FakeBrpExchange): { spec: 'personen' | 'update'; path: string; method: string } {
  const path = e.path.replace(/\?.*$/, '');
  if (path.endsWith('/personen')) return { spec: 'personen', path: '/personen', method: 'post' };
  if (/\/volgindicaties\/[^/]+$/.test(path)) return { spec: 'update', path: '/volgindicaties/{burgerservicenummer}', method: e.method.toLowerCase() };
  if (path.endsWith('/volgindicaties')) return { spec: 'update', path: '/volgindicaties', method: 'get' };
  return { spec: 'update', path: '/wijzigingen', method: 'get' };
}

/** Whether a field path (a.b.c) names a property of an official schema, through $ref, allOf, arrays and discriminator mappings. */
function hasField(spec: OfficialSpec, schemaName: string, path: string[]): boolean {
  const schemas = spec.document.components.schemas;
  const expand = (s: any, seen: Set<string> = new Set()): any[] => {
    if (!s || typeof s !== 'object') return [];
    if (s.$ref) {
      if (seen.has(s.$ref)) return [];
      return expand(schemas[s.$ref.replace('#/components/schemas/', '')], new Set([...seen, s.$ref]));
    }
    const mapped = s.discriminator?.mapping ? Object.values(s.discriminator.mapping).flatMap((r) => expand({ $ref: r }, seen)) : [];
    return [s, ...(s.allOf ?? []).flatMap((a: any) => expand(a, seen)), ...(s.items ? expand(s.items, seen) : []), ...mapped];
  };
  let current = expand(schemas[schemaName]);
  for (const segment of path) {
    current = current.flatMap((s) => (s.properties?.[segment] ? expand(s.properties[segment]) : []));
    if (current.length === 0) return false;
  }
  return true;
}

describe('the fake BRP against the published specifications', () => {
  let brp: FakeBrp;
  let exchanges: FakeBrpExchange[];
  const official = { personen: loadOfficialSpec('brp-personen'), update: loadOfficialSpec('brp-update') };

  before(async () => {
    brp = await startFakeBrp({ personen: personen(), today: () => '2026-03-02' });
    exchanges = await exercise(brp);
  });
  after(() => brp.close());

  it('answered every kind of call the test meant to make', () => {
    const statuses = new Set(exchanges.map((e) => `${operationOf(e).path} ${e.status}`));
    for (const s of ['/personen 200', '/personen 400', '/personen 401', '/personen 415', '/personen 503', '/volgindicaties/{burgerservicenummer} 201', '/volgindicaties/{burgerservicenummer} 200', '/volgindicaties/{burgerservicenummer} 400', '/volgindicaties/{burgerservicenummer} 404', '/volgindicaties 200', '/wijzigingen 200', '/wijzigingen 400', '/wijzigingen 503']) {
      expect(statuses, s).to.include(s);
    }
  });

  it('gives answers that validate against our own schema of the fields we read', () => {
    const ours = ourSchemas();
    for (const e of exchanges) {
      const { path } = operationOf(e);
      const validate =
        e.status >= 400 ? ours.problem : path === '/personen' ? ours.raadpleegResponse : path === '/wijzigingen' ? ours.wijzigingenResponse : path === '/volgindicaties' ? null : ours.volgindicatieResponse;
      if (!validate) continue;
      expect(validate(e.body), `${e.method} ${e.path} ${e.status}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it('gives answers that validate against the official response schemas of BRP API Personen and the BRP Update API', () => {
    for (const e of exchanges) {
      const op = operationOf(e);
      const spec = official[op.spec];
      const schema = spec.responseSchema(op.path, op.method, String(e.status));
      expect(spec.validate(schema, e.body), `${e.method} ${e.path} ${e.status} as ${schema}`).to.deep.equal([]);
    }
  });

  it('uses the content types the specifications give', () => {
    for (const e of exchanges) {
      const op = operationOf(e);
      const responses = official[op.spec].document.paths[op.path][op.method].responses;
      let response = responses[String(e.status)];
      if (response.$ref) response = official[op.spec].document.components.responses[response.$ref.split('/').pop()];
      const allowed = Object.keys(response.content).map((t) => t.split(';')[0]);
      expect(allowed, `${e.method} ${e.path} ${e.status}`).to.include(e.contentType.split(';')[0]);
    }
  });

  it('sent only requests the official PersonenQuery schema accepts when the index asked', () => {
    const spec = official.personen;
    const ours = exchanges.filter((e) => e.path.endsWith('/personen') && e.status === 200);
    expect(ours).to.have.length.greaterThan(0);
    for (const e of ours) expect(spec.validate('PersonenQuery', e.requestBody)).to.deep.equal([]);
  });

  it('checks for real: the official schemas refuse answers that break them', () => {
    const spec = official.personen;
    const answer = (persoon: object) => ({ type: 'RaadpleegMetBurgerservicenummer', personen: [persoon] });
    expect(spec.validate('RaadpleegMetBurgerservicenummerResponse', answer({ burgerservicenummer: CHILD, verblijfplaats: { ...adres(HOME), adresseerbaarObjectIdentificatie: '12' } }))).not.to.deep.equal([]);
    expect(spec.validate('RaadpleegMetBurgerservicenummerResponse', answer({ burgerservicenummer: CHILD, geboorte: { datum: { type: 'Datum', langFormaat: 'ooit' } } }))).not.to.deep.equal([]);
    expect(spec.validate('RaadpleegMetBurgerservicenummerResponse', answer({ burgerservicenummer: '12345' }))).not.to.deep.equal([]);
    expect(spec.validate('PersonenQuery', { type: 'RaadpleegMetBurgerservicenummer', fields: ['burgerservicenummer'] })).not.to.deep.equal([]);
    expect(official.update.validate('GewijzigdePersonenHalCollectie', { burgerservicenummers: [123] })).not.to.deep.equal([]);
  });

  it('asks for fields that exist in the official Persoon schema', () => {
    for (const field of PERSON_FIELDS) expect(hasField(official.personen, 'Persoon', field.split('.')), field).to.equal(true);
    expect(hasField(official.personen, 'Persoon', ['verblijfplaats', 'bestaatNiet'])).to.equal(false);
  });

  it('reads only fields the official Persoon schema has, with the types it gives', () => {
    const persoon = BRP_JSON_SCHEMAS.raadpleegResponse as any;
    const ourPersoon = persoon.properties.personen.items;
    for (const [name, schema] of Object.entries<any>(ourPersoon.properties)) {
      expect(hasField(official.personen, 'Persoon', [name]), name).to.equal(true);
      for (const sub of Object.keys(schema.properties ?? schema.items?.properties ?? {})) {
        expect(hasField(official.personen, 'Persoon', [name, sub]), `${name}.${sub}`).to.equal(true);
      }
    }
  });
});
