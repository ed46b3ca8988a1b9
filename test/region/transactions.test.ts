import { expect } from 'chai';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { REGION_DB_FILE } from '../../region/create-region.js';
import { WAL_AUTOCHECKPOINT_PAGES } from '../../region/store/db.js';
import { BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('a signal change commits whole or not at all', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const count = (sql: string): number => (t.region.ctx.db.prepare(sql).get() as { n: number }).n;

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('leaves no signal, match or notice behind when its audit entry cannot be written', async () => {
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
    const before = { signals: count('SELECT COUNT(*) n FROM signals'), notices: count('SELECT COUNT(*) n FROM notices') };
    t.region.ctx.db.exec(
      "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'signal.register' AND NEW.outcome = 'ok' BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;",
    );
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body });
    expect(r.status).to.equal(500);
    expect(count('SELECT COUNT(*) n FROM signals')).to.equal(before.signals);
    expect(count('SELECT COUNT(*) n FROM matches')).to.equal(0);
    expect(count('SELECT COUNT(*) n FROM notices')).to.equal(before.notices);
    t.region.ctx.db.exec('DROP TRIGGER fail_audit');
    const retry = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body });
    expect(retry.status).to.equal(201);
    expect(retry.body.matchId).to.be.a('string');
  });

  it('keeps the signal and its match when its removal cannot be audited', async () => {
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
    const s = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.b), body });
    t.region.ctx.db.exec(
      "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'signal.remove' AND NEW.outcome = 'ok' BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;",
    );
    const r = await call(t.baseUrl, 'POST', `/api/v1/signals/${s.body.id}/removal`, { ...as(area.b), body: { reason: 'unjustified' } });
    expect(r.status).to.equal(500);
    const again = await call(t.baseUrl, 'GET', `/api/v1/signals/${s.body.id}`, as(area.b));
    expect(again.body).to.include({ status: 'active', matchId: s.body.matchId });
    const m = await call(t.baseUrl, 'GET', `/api/v1/matches/${s.body.matchId}`, as(area.a));
    expect(m.body.status).to.equal('active');
    expect(m.body.participants).to.have.length(2);
  });

  it('commits registrations that arrive together as one group, each whole or not at all, and answers none before the commit', async () => {
    const { signals, ctx } = t.region;
    const actor = (c: Caller) => ({ kind: 'professional' as const, professionalId: c.professionalId, institutionId: c.institutionId });
    const input = (bsn: string, municipality = '0344') => ({ bsn, birthDate: '2011-02-03', municipality, legalGroundConfirmed: true });
    ctx.db.exec(
      `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'signal.register' AND NEW.outcome = 'ok' AND NEW.actor_id = '${area.c.professionalId}'
       BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;`,
    );
    const auditBefore = count('SELECT COUNT(*) n FROM audit_log');
    // Called in one turn of the event loop: one group, one transaction.
    const pending = [
      signals.registerGrouped(actor(area.a), input(BSN[0])),
      signals.registerGrouped(actor(area.b), input(BSN[1], '9999')),
      signals.registerGrouped(actor(area.c), input(BSN[0])),
      signals.registerGrouped(actor(area.b), input(BSN[0])),
    ];
    expect(count('SELECT COUNT(*) n FROM signals'), 'nothing is written before the group runs').to.equal(0);
    const [a, unknownMunicipality, failed, b] = await Promise.allSettled(pending);
    ctx.db.exec('DROP TRIGGER fail_audit');
    expect(a.status).to.equal('fulfilled');
    expect(b.status).to.equal('fulfilled');
    const [ra, rb] = [a, b].map((r) => (r as PromiseFulfilledResult<Awaited<(typeof pending)[number]>>).value);
    expect(ra.status).to.equal(201);
    expect(rb.status).to.equal(201);
    expect(rb.signal.matchId, 'the second professional on the youth makes a match').to.be.a('string');
    expect(unknownMunicipality.status).to.equal('rejected');
    expect((unknownMunicipality as PromiseRejectedResult).reason).to.include({ code: 'UNKNOWN_MUNICIPALITY' });
    expect(failed.status).to.equal('rejected');
    expect(String((failed as PromiseRejectedResult).reason)).to.contain('audit unavailable');
    // The refused ones left nothing behind; the others are stored with their match and notices.
    const stored = ctx.db.prepare('SELECT professional_id FROM signals ORDER BY professional_id').all() as { professional_id: string }[];
    expect(stored.map((r) => r.professional_id)).to.deep.equal([area.a.professionalId, area.b.professionalId].sort());
    expect(count("SELECT COUNT(*) n FROM match_participants")).to.equal(2);
    expect(count(`SELECT COUNT(*) n FROM notices WHERE recipient_id = '${area.c.professionalId}'`)).to.equal(0);
    const outcomes = ctx.db.prepare(`SELECT outcome FROM audit_log WHERE seq > ${auditBefore} AND action = 'signal.register' ORDER BY seq`).all() as { outcome: string }[];
    expect(outcomes.map((o) => o.outcome)).to.deep.equal(['ok', 'rejected:UNKNOWN_MUNICIPALITY', 'ok']);
    expect(ctx.audit.verify().ok).to.equal(true);
  });

  it('registers many signals sent at once over HTTP, each answered with its own signal', async () => {
    const body = (bsn: string) => ({ bsn, birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true });
    const callers = [area.a, area.a2, area.b, area.c];
    const sent = BSN.flatMap((bsn) => callers.map((who) => ({ who, bsn })));
    const answers = await Promise.all(sent.map(({ who, bsn }) => call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: body(bsn) })));
    expect(answers.map((r) => r.status)).to.deep.equal(sent.map(() => 201));
    expect(new Set(answers.map((r) => r.body.id)).size).to.equal(sent.length);
    // Every youth has four professionals on it: one match each, with four participants.
    expect(count('SELECT COUNT(*) n FROM matches')).to.equal(BSN.length);
    expect(count('SELECT COUNT(*) n FROM match_participants')).to.equal(sent.length);
    for (const [i, r] of answers.entries()) {
      const again = await call(t.baseUrl, 'GET', `/api/v1/signals/${r.body.id}`, as(sent[i].who));
      expect(again.body).to.include({ id: r.body.id, status: 'active', registeredAt: r.body.registeredAt, removalDate: r.body.removalDate });
      if (r.body.matchId) expect(again.body.matchId).to.equal(r.body.matchId);
    }
  });

  it('copies the write-ahead log into the database file in the background, long before the request connection would', async () => {
    const file = join(t.dataDir, REGION_DB_FILE);
    const sizeBefore = statSync(file).size;
    // Valid BSNs (elfproef) 1000000xx.
    const bsns = Array.from({ length: 100 }, (_, i) => `100000${String(i).padStart(2, '0')}`)
      .map((eight) => eight + String([...eight].reduce((sum, d, k) => sum + Number(d) * (9 - k), 0) % 11))
      .filter((bsn) => bsn.length === 9);
    const body = (i: number) => ({ bsn: bsns[i], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true });
    for (let i = 0; i < 40; i++) {
      const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: body(i) });
      expect(r.status).to.equal(201);
    }
    const walPages = Math.ceil(statSync(`${file}-wal`).size / 4096);
    expect(walPages, 'the test writes far fewer pages than the request connection would checkpoint at').to.be.below(WAL_AUTOCHECKPOINT_PAGES);
    let grown = false;
    for (let i = 0; i < 50 && !grown; i++) {
      await new Promise((r) => setTimeout(r, 100));
      grown = statSync(file).size > sizeBefore;
    }
    expect(grown, 'the database file took in the new pages').to.equal(true);
  });
});
