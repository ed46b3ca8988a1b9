import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('privacy: no BSN in plain text, no personal data in logs', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = (who: Caller, bsn: string, headers: Record<string, string> = {}) =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), headers, body: { bsn, birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true } });

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('stores no registered BSN anywhere in the database files, the WAL included, even one a case system put in its Idempotency-Key', async () => {
    for (const bsn of BSN) {
      await register(area.a, bsn, { 'idempotency-key': `k-${bsn}` });
      await register(area.b, bsn);
    }
    const archived = await register(area.c, BSN[0]);
    await call(t.baseUrl, 'POST', `/api/v1/signals/${archived.body.id}/removal`, { ...as(area.c), body: { reason: 'risk-ended' } });
    await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.a));
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('region.db'));
    expect(files).to.include('region.db-wal');
    const wal = readFileSync(join(t.dataDir, 'region.db-wal'));
    expect(wal.length).to.be.greaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(join(t.dataDir, f));
      for (const bsn of BSN) {
        expect(bytes.includes(Buffer.from(bsn, 'utf8')), `${bsn} in ${f}`).to.equal(false);
        expect(bytes.includes(Buffer.from(bsn, 'utf16le')), `${bsn} (utf16) in ${f}`).to.equal(false);
      }
    }
    // and after a checkpoint moves everything into the main file
    t.region.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const main = readFileSync(join(t.dataDir, 'region.db'));
    for (const bsn of BSN) expect(main.includes(Buffer.from(bsn))).to.equal(false);
  });

  it('still finds the youth by its blind index: a second professional matches', async () => {
    await register(area.a, BSN[3]);
    const r = await register(area.b, BSN[3]);
    expect(r.body.matchId).to.be.a('string');
  });

  it('writes no BSN, name, e-mail or token into any log line, even for rejected requests', async () => {
    await register(area.a, BSN[0]);
    await register(area.b, BSN[0]);
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: { bsn: '123456789', birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true } });
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), rawBody: `{"bsn": "${BSN[1]}", broken` });
    await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.a));
    await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/signals', { token: 'vir_wrong-token-value', professionalId: area.a.professionalId });
    t.region.ctx.log.info({ bsn: BSN[2], professional: { name: 'Anna Alfa', email: 'anna.alfa@example.org' }, headers: { authorization: `Bearer ${area.a.token}` } }, 'careless call site');
    const log = t.logLines.join('\n');
    expect(t.logLines.length).to.be.greaterThan(5);
    for (const secret of [...BSN, '123456789', area.a.token, area.b.token, ADMIN_TOKEN, 'vir_wrong-token-value', 'Anna Alfa', 'Bea Beta', 'anna.alfa@example.org']) {
      expect(log, secret).not.to.contain(secret);
    }
    expect(log).to.contain('[redacted]');
  });

  it('stores API keys and admin tokens only as hashes', async () => {
    const rows = t.region.ctx.db.prepare('SELECT key_hash FROM api_keys').all() as { key_hash: string }[];
    expect(rows.length).to.equal(3);
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('region.db'));
    for (const f of files) {
      const bytes = readFileSync(join(t.dataDir, f));
      for (const key of [area.a.token, area.b.token, area.c.token]) expect(bytes.includes(Buffer.from(key))).to.equal(false);
    }
  });
});
