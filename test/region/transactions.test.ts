import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REGION_DB_FILE } from '../../region/create-region.js';
import { WAL_AUTOCHECKPOINT_PAGES } from '../../region/store/db.js';
import { BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

/** Another process that takes the region's write lock, changes a row, and commits after `ms`: as an operator's CLI import does. */
function holdWriteLock(dataDir: string, ms: number) {
  return spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require(process.argv[1]))(process.argv[2]);
       db.exec('BEGIN IMMEDIATE');
       db.exec('UPDATE municipalities SET name = name');
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
       db.exec('COMMIT');
       db.close();`,
      createRequire(import.meta.url).resolve('better-sqlite3'),
      join(dataDir, REGION_DB_FILE),
      String(ms),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

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

  it('lets a job that reads and then writes wait for an operator command that holds the write lock, instead of failing', async () => {
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
    t.clock.advanceDays(15); // past informingReminderDays (14): the reminder job finds the signal, then writes its notice
    // Another process (as the CLI's import-signals) holds the write lock for 400 ms and commits a change:
    // a transaction that had read before that commit and writes after it would be refused (SQLITE_BUSY).
    const holder = holdWriteLock(t.dataDir, 400);
    const exited = once(holder, 'exit');
    await once(holder.stdout!, 'data');
    const outcome = t.region.lifecycle.runInformingReminders();
    const [exitCode] = await exited;
    expect(exitCode).to.equal(0);
    expect(outcome).to.deep.equal({ reminders: 1 });
    const notices = await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.a));
    expect(notices.body.map((n: { kind: string }) => n.kind)).to.include('informing-reminder');
  });

  it('answers 503 with Retry-After when an operator command holds the write lock past the busy timeout, and changes nothing', async () => {
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    const holder = holdWriteLock(t.dataDir, 6000); // longer than the server's 5 s busy timeout
    const exited = once(holder, 'exit');
    await once(holder.stdout!, 'data');
    const refused = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
    await exited;
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('5');
    expect(refused.body.error).to.include({ code: 'BUSY' });
    expect(refused.body.error.message).to.match(/try again/);
    expect(count('SELECT COUNT(*) n FROM signals')).to.equal(0);
    const retried = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body });
    expect(retried.status).to.equal(201);
  }).timeout(30_000);
});
