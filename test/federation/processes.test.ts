import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, BSN, call, setupArea, type Caller, type TestArea } from '../helpers/region.js';
import { createTestPki } from '../helpers/certs.js';
import { eventually } from '../helpers/federation.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { startProcess, writeJson, type Proc } from '../helpers/processes.js';

/** Valid BSNs (elfproef) made up for a burst. */
function bsnNumber(i: number): string {
  for (let n = 100_000_000 + i * 97; ; n++) {
    const s = String(n);
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += Number(s[k]) * (9 - k);
    if ((sum - Number(s[8])) % 11 === 0) return s;
  }
}

interface RegionProc {
  proc: Proc;
  url: string;
  dataDir: string;
  config: string;
}

async function startRegion(id: string, dataDir: string, national: Record<string, unknown>, port = 0): Promise<RegionProc> {
  const config = writeJson(dataDir, 'region.json', {
    region: { id, name: `Regio ${id}` }, demo: false, adminToken: ADMIN_TOKEN, lifecycle: { runAtStart: false, schedule: '5 0 * * *', informingReminderDays: 14 },
    national: { enabled: true, schedule: '*/5 * * * *', batchSize: 50, longPollSeconds: 5, requestTimeoutMs: 3000, backoff: { baseMs: 50, maxMs: 400 }, allowPlainHttp: false, tls: null, ...national },
  });
  const proc = await startProcess('region/main.ts', { REGION_CONFIG: config, REGION_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }, 'regional index ready');
  return { proc, url: `http://127.0.0.1:${proc.port}`, dataDir, config };
}

async function startNationalProc(dir: string, config: Record<string, unknown>, port = 0): Promise<Proc> {
  const file = writeJson(dir, 'national.json', { host: '127.0.0.1', dataDir: join(dir, 'data'), log: { level: 'info' }, ...config });
  return startProcess('national/main.ts', { NATIONAL_CONFIG: file, PORT: String(port) }, 'national index ready');
}

const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
const status = async (r: RegionProc) => (await call(r.url, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body;

function nationalSignals(dir: string, region: string): Map<string, { status: string; removal_date: string | null }> {
  const db = new Database(join(dir, 'data', 'national.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT signal_id, status, removal_date FROM signals WHERE region_id = ?').all(region) as { signal_id: string; status: string; removal_date: string | null }[];
    return new Map(rows.map((r) => [r.signal_id, { status: r.status, removal_date: r.removal_date }]));
  } finally {
    db.close();
  }
}

function regionSignals(dataDir: string): Map<string, { status: string; removal_date: string | null }> {
  const db = new Database(join(dataDir, 'region.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, status, removal_date FROM signals').all() as { id: string; status: string; removal_date: string | null }[];
    return new Map(rows.map((r) => [r.id, { status: r.status, removal_date: r.removal_date }]));
  } finally {
    db.close();
  }
}

describe('the federation as separate processes', function () {
  this.timeout(90_000);
  const procs: Proc[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  });

  it('national and two regions over two-way TLS: a youth signalled in region A moves and is signalled in region B, and both professionals get the match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-fed-'));
    const pki = createTestPki();
    const [ca, ka, kb] = [pki.ca, pki.client('regio-a'), pki.client('regio-b')];
    const national = await startNationalProc(dir, {
      tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: ca },
      regions: [{ id: 'regio-a', name: 'A', certFile: ka.cert }, { id: 'regio-b', name: 'B', certFile: kb.cert }],
    });
    procs.push(national);
    const url = `https://127.0.0.1:${national.port}/sync`;
    const ra = await startRegion('regio-a', mkdtempSync(join(tmpdir(), 'vir-ra-')), { url, tls: { caFile: ca, certFile: ka.cert, keyFile: ka.key } });
    const rb = await startRegion('regio-b', mkdtempSync(join(tmpdir(), 'vir-rb-')), { url, tls: { caFile: ca, certFile: kb.cert, keyFile: kb.key } });
    procs.push(ra.proc, rb.proc);
    const a = await setupArea(ra.url);
    const b = await setupArea(rb.url);
    const body = { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true };
    expect((await call(ra.url, 'POST', '/api/v1/signals', { ...as(a.a), body })).status).to.equal(201);
    expect((await call(rb.url, 'POST', '/api/v1/signals', { ...as(b.c), body: { ...body, municipality: '0356' } })).status).to.equal(201);
    for (const [r, who, other] of [[ra, a.a, 'Cas Gamma'], [rb, b.c, 'Anna Alfa']] as const) {
      const m = await eventually(async () => (await call(r.url, 'GET', '/api/v1/matches', as(who))).body[0], 20_000, `match in ${r.url}`);
      const p = m.participants.find((x: any) => !x.own).professional;
      expect(p.name).to.equal(other);
      expect(p.email).to.match(/@example\.org$/);
      expect(p.phone).to.equal('06-12345678');
    }
  });

  it('delivers the whole backlog in order once a stopped national index is started again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-fed-'));
    const regions = [{ id: 'regio-a', name: 'A' }, { id: 'regio-b', name: 'B' }];
    let national = await startNationalProc(dir, { allowPlainHttp: true, regions });
    const port = national.port;
    const ra = await startRegion('regio-a', mkdtempSync(join(tmpdir(), 'vir-ra-')), { url: `http://127.0.0.1:${port}/sync`, allowPlainHttp: true });
    procs.push(ra.proc);
    const a = await setupArea(ra.url);
    await national.stop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(ra.url, 'POST', '/api/v1/signals', { ...as(i % 2 ? a.a : a.b), body: { bsn: bsnNumber(i), birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true, removalDate: '2027-01-01' } });
      ids.push(r.body.id);
    }
    for (const id of ids.slice(0, 5)) await call(ra.url, 'POST', `/api/v1/signals/${id}/extension`, { ...as(ids.indexOf(id) % 2 ? a.a : a.b), body: { removalDate: '2027-06-01' } });
    for (const id of ids.slice(3, 8)) await call(ra.url, 'POST', `/api/v1/signals/${id}/removal`, { ...as(ids.indexOf(id) % 2 ? a.a : a.b), body: { reason: 'unjustified' } });
    const waiting = await status(ra);
    expect(waiting.backlog).to.equal(30);
    expect(waiting.oldestUndeliveredAgeSeconds).to.be.a('number');
    national = await startNationalProc(dir, { allowPlainHttp: true, regions }, port);
    procs.push(national);
    await eventually(async () => (await status(ra)).backlog === 0, 30_000, 'the backlog to drain');
    expect((await status(ra)).deadLetters).to.equal(0);
    const want = regionSignals(ra.dataDir);
    const got = nationalSignals(dir, 'regio-a');
    for (const [id, s] of want) expect(got.get(id), id).to.deep.equal({ status: s.status === 'removed' ? 'removed' : 'active', removal_date: s.removal_date });
  });

  it('retries through 500s, hanging requests and reset connections, and loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-fed-'));
    const national = await startNationalProc(dir, { allowPlainHttp: true, regions: [{ id: 'regio-a', name: 'A' }] });
    procs.push(national);
    const proxy = await startFaultProxy(`http://127.0.0.1:${national.port}/sync`);
    try {
      const ra = await startRegion('regio-a', mkdtempSync(join(tmpdir(), 'vir-ra-')), { url: proxy.url, allowPlainHttp: true });
      procs.push(ra.proc);
      const a = await setupArea(ra.url);
      let i = 0;
      for (const mode of ['error500', 'hang', 'reset'] as const) {
        proxy.mode = mode;
        const before = proxy.requests;
        for (let k = 0; k < 5; k++, i++) {
          await call(ra.url, 'POST', '/api/v1/signals', { ...as(a.a), body: { bsn: bsnNumber(100 + i), birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
        }
        await eventually(() => proxy.requests >= before + 3 || undefined, 20_000, `retries under ${mode}`);
      }
      expect((await status(ra)).backlog).to.equal(15);
      proxy.mode = 'pass';
      await call(ra.url, 'POST', '/api/v1/admin/connector/sync', { token: ADMIN_TOKEN });
      await eventually(async () => (await status(ra)).backlog === 0, 30_000, 'the backlog to drain');
      const got = nationalSignals(dir, 'regio-a');
      expect([...got.values()].filter((s) => s.status === 'active')).to.have.length(15);
      expect((await status(ra)).deadLetters).to.equal(0);
    } finally {
      await proxy.close();
    }
  });

  it('survives SIGKILL of the region in the middle of a burst: every accepted signal reaches the national index once, every match event is applied once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-fed-'));
    const national = await startNationalProc(dir, { allowPlainHttp: true, regions: [{ id: 'regio-a', name: 'A' }, { id: 'regio-b', name: 'B' }] });
    procs.push(national);
    const nurl = { url: `http://127.0.0.1:${national.port}/sync`, allowPlainHttp: true };
    const rbDir = mkdtempSync(join(tmpdir(), 'vir-rb-'));
    const rb = await startRegion('regio-b', rbDir, nurl);
    procs.push(rb.proc);
    const b = await setupArea(rb.url);
    const raDir = mkdtempSync(join(tmpdir(), 'vir-ra-'));
    let ra = await startRegion('regio-a', raDir, nurl);
    const a: TestArea = await setupArea(ra.url);
    for (let i = 0; i < 10; i++) {
      await call(rb.url, 'POST', '/api/v1/signals', { ...as(b.b), body: { bsn: bsnNumber(200 + i), birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
    }
    const accepted: string[] = [];
    const burst = Array.from({ length: 40 }, (_, i) =>
      call(ra.url, 'POST', '/api/v1/signals', { ...as(i % 2 ? a.a : a.c), body: { bsn: bsnNumber(200 + (i % 20)), birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } })
        .then((r) => { if (r.status === 201) accepted.push(r.body.id); })
        .catch(() => undefined),
    );
    await eventually(() => accepted.length >= 10 || undefined, 20_000, 'part of the burst');
    await ra.proc.stop('SIGKILL');
    await Promise.all(burst);
    ra = await startRegion('regio-a', raDir, nurl);
    procs.push(ra.proc);
    await eventually(async () => (await status(ra)).backlog === 0, 30_000, 'the backlog after restart');
    const local = regionSignals(raDir);
    for (const id of accepted) expect(local.get(id)?.status, `accepted ${id} kept`).to.equal('active');
    const got = nationalSignals(dir, 'regio-a');
    expect(new Set(got.keys())).to.deep.equal(new Set(local.keys()));
    const db = new Database(join(dir, 'data', 'national.db'), { readonly: true });
    const processed = (db.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE region_id = 'regio-a'").get() as { n: number }).n;
    const head = (db.prepare("SELECT head FROM feed_heads WHERE region_id = 'regio-a'").get() as { head: number } | undefined)?.head ?? 0;
    db.close();
    expect(processed).to.equal(local.size);
    await eventually(async () => (await status(ra)).cursor === head || undefined, 20_000, 'the cursor to reach the feed head');
    const rdb = new Database(join(raDir, 'region.db'), { readonly: true });
    const dup = rdb.prepare("SELECT recipient_id, match_id, COUNT(*) AS n FROM notices WHERE kind = 'match' GROUP BY recipient_id, match_id HAVING n > 1").all();
    const remote = (rdb.prepare('SELECT COUNT(*) AS n FROM remote_participants WHERE left_at IS NULL').get() as { n: number }).n;
    rdb.close();
    expect(dup).to.deep.equal([]);
    expect(remote).to.equal(10);
  });
});
