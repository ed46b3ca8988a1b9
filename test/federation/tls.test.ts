import { expect } from 'chai';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { encodeRequest, decodeResponse } from '../../national/protocol/codec.js';
import { SyncFault } from '../../national/protocol/types.js';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion } from '../helpers/region.js';
import { startTestNational, type TestNational } from '../helpers/national.js';
import { createTestPki, type TestPki } from '../helpers/certs.js';
import { eventually, registerSignal } from '../helpers/federation.js';

describe('two-way TLS between regions and the national index', () => {
  let pki: TestPki;
  let nat: TestNational;
  let a: { cert: string; key: string };
  let b: { cert: string; key: string };

  before(function () {
    this.timeout(30_000);
    pki = createTestPki();
    a = pki.client('regio-a');
    b = pki.client('regio-b');
  });
  beforeEach(async () => {
    nat = await startTestNational({
      allowPlainHttp: false,
      tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.ca },
      regions: [{ id: 'regio-a', name: 'Regio A', certFile: a.cert }, { id: 'regio-b', name: 'Regio B', certFile: b.cert }],
    });
  });
  afterEach(async () => nat.close());

  const agentFor = (c: { cert: string; key: string } | null) =>
    new Agent({ connect: { ca: readFileSync(pki.ca), ...(c ? { cert: readFileSync(c.cert), key: readFileSync(c.key) } : {}) } });

  it('delivers a region\'s signals over TLS with its client certificate, and its connector brings the match back', async function () {
    this.timeout(30_000);
    const national = { enabled: true, url: nat.url, tls: { caFile: pki.ca, certFile: a.cert, keyFile: a.key }, longPollSeconds: 5, backoff: { baseMs: 50, maxMs: 500 } };
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'Regio A' }, national });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'Regio B' }, national: { ...national, tls: { caFile: pki.ca, certFile: b.cert, keyFile: b.key } } });
    try {
      const areaA = await setupArea(ra.baseUrl);
      const areaB = await setupArea(rb.baseUrl);
      await registerSignal(ra, areaA.a, BSN[0]);
      await registerSignal(rb, areaB.b, BSN[0]);
      const m = await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', { token: areaA.a.token, professionalId: areaA.a.professionalId })).body[0], 15_000, 'match over TLS');
      expect(m.participants.map((p: any) => p.professional.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
      expect((await call(ra.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog).to.equal(0);
    } finally {
      await ra.close();
      await rb.close();
    }
  });

  it('refuses a client without a certificate at the TLS handshake', async () => {
    const err = await request(nat.url, { method: 'POST', body: encodeRequest('Status', {}), dispatcher: agentFor(null) }).then(
      async (r) => ({ status: r.statusCode, text: await r.body.text() }),
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(Error);
  });

  it('refuses a certificate from another CA', async () => {
    const other = createTestPki();
    const rogue = other.client('regio-a');
    const err = await new Promise<Error | number>((resolve) => {
      const req = httpsRequest(nat.url, { method: 'POST', ca: readFileSync(pki.ca), cert: readFileSync(rogue.cert), key: readFileSync(rogue.key) }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', resolve);
      req.end(encodeRequest('Status', {}));
    });
    expect(err).to.be.instanceOf(Error);
  });

  it('lets a region read only its own feed: region B\'s certificate cannot fetch region A\'s matches', async () => {
    const r = await request(nat.url, { method: 'POST', body: encodeRequest('HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 }), dispatcher: agentFor(b) });
    expect(r.statusCode).to.equal(403);
    const fault = await decodeResponse('HaalMatches', await r.body.text()).then(() => null, (e: unknown) => e);
    expect((fault as SyncFault).code).to.equal('ANDERE_REGIO');
    const own = await request(nat.url, { method: 'POST', body: encodeRequest('HaalMatches', { region: 'regio-b', after: 0, max: 10, waitSeconds: 0 }), dispatcher: agentFor(b) });
    expect(own.statusCode).to.equal(200);
    await own.body.text();
  });
});
