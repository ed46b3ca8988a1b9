import { expect } from 'chai';
import { join } from 'node:path';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';
import { advanceSeconds, mailConfig, startSmtp, type TestSmtp } from './helpers.js';

/** E-mail for notices through a real SMTP server (smtp-server on 127.0.0.1): one per notice, Dutch, no personal data, retried. */
describe('e-mail for notices', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  let t: TestRegion;
  let area: TestArea;
  let refuse = false;
  /** Called when the SMTP server has accepted a mail. */
  let onAccepted: (() => void) | null = null;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const register = async (who: Caller, bsn: string = BSN[0]) =>
    (await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } })).body;
  const notices = () => t.region.ctx.db.prepare('SELECT id, kind, recipient_kind FROM notices ORDER BY rowid').all() as { id: string; kind: string; recipient_kind: string }[];
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeEach(async () => {
    refuse = false;
    onAccepted = null;
    smtp = await startSmtp({ refuse: () => refuse, accepted: () => onAccepted?.() });
    t = await startTestRegion(mailConfig(smtp));
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => {
    await t.close();
    await smtp.close();
  });

  it('sends one Dutch e-mail for every notice of every kind, with a link to the portal and no BSN or name in it', async () => {
    await register(area.a);
    const sb = await register(area.b); // match: A, B and the checker
    const sc = await register(area.c); // participant-joined to A and B, match to C
    await call(t.baseUrl, 'POST', `/api/v1/matches/${sb.matchId}/regievoerder`, { ...as(area.a), body: { professionalId: area.b.professionalId } });
    await call(t.baseUrl, 'POST', `/api/v1/signals/${sc.id}/removal`, { ...as(area.c), body: { reason: 'risk-ended' } }); // participant-left
    await register(area.a2); // history (C's archived signal), and joins the match
    await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.a.institutionId}/handovers`, { token: ADMIN_TOKEN, body: { from: area.a2.professionalId, to: area.a.professionalId } });
    await t.region.mailWorker.runOnce(); // before the clock jumps two weeks (older notices are not mailed)
    t.clock.advanceDays(15);
    t.region.lifecycle.runInformingReminders();

    const all = notices();
    expect(new Set(all.map((n) => n.kind))).to.deep.equal(new Set(['match', 'participant-joined', 'regievoerder', 'participant-left', 'history', 'handover', 'participant-changed', 'informing-reminder']));
    const mails = await smtp.waitFor(all.length);
    await settle();
    expect(smtp.mails, 'no notice mailed twice').to.have.length(all.length);
    for (const n of all) {
      expect(smtp.mails.filter((m) => m.messageId.includes(`notice-${n.id}@`)), `notice ${n.kind}`).to.have.length(1);
    }
    const subjects = new Set(mails.map((m) => m.subject));
    for (const s of [
      'Verwijsindex: Nieuwe match in de Verwijsindex', 'Verwijsindex: Nieuwe match in uw gemeente', 'Verwijsindex: Een professional is bij uw match gekomen',
      'Verwijsindex: Er is een regievoerder in uw match', 'Verwijsindex: Een professional heeft uw match verlaten', 'Verwijsindex: Er was eerder een melding over deze jeugdige',
      'Verwijsindex: Meldingen zijn overgedragen', 'Verwijsindex: Een melding in uw match is overgedragen', 'Verwijsindex: Herinnering: informatieplicht bij uw melding',
    ]) expect(subjects, s).to.include(s);
    for (const m of mails) {
      expect(m.raw).not.to.contain(BSN[0]);
      expect(m.text).not.to.match(/Anna|Adam|Bea|Cas|Alfa|Beta|Gamma/);
      expect(m.text).to.match(/^Beste (professional|toezichthouder),/);
      expect(m.text).to.match(/https:\/\/vir\.example\.org\/portal\/\S+/);
      expect(m.raw).to.match(/^Content-Language: nl/m);
    }
    const reminder = mails.find((m) => m.subject.includes('informatieplicht'))!;
    expect(reminder.text).to.match(/https:\/\/vir\.example\.org\/portal\/meldingen\/[0-9a-f-]{36}/);
    expect(mails.find((m) => m.subject.includes('uw gemeente'))!.to).to.deep.equal(['checker@0344.example.org']);
  });

  it('keeps a mail that the server refuses in the queue, sends it after the back-off, and never twice', async () => {
    refuse = true;
    await register(area.a);
    await register(area.b);
    await t.region.mailWorker.runOnce();
    const queued = t.region.ctx.db.prepare('SELECT attempts, sent_at, last_error FROM mail_outbox').all() as { attempts: number; sent_at: string | null; last_error: string }[];
    expect(queued).to.have.length(3);
    for (const q of queued) {
      expect(q).to.include({ attempts: 1, sent_at: null });
      expect(q.last_error).to.contain('451');
    }
    expect(smtp.mails).to.have.length(0);
    expect(t.logLines.join('\n')).not.to.contain('example.org');

    refuse = false;
    await t.region.mailWorker.runOnce();
    expect(smtp.mails, 'not before the back-off').to.have.length(0);
    advanceSeconds(t.clock, 31);
    await Promise.all([t.region.mailWorker.runOnce(), t.region.mailWorker.runOnce()]);
    await smtp.waitFor(3);
    advanceSeconds(t.clock, 3600);
    await t.region.mailWorker.runOnce();
    await settle();
    expect(smtp.mails).to.have.length(3);
    expect(t.region.mailQueue.stats()).to.include({ queued: 0, sent: 3, dead: 0 });
  });

  it('never sends a mail twice when the server accepted it but its mark could not be written (another writer held the database)', async () => {
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(join(t.dataDir, 'region.db'));
    try {
      // As an operator's import would: the write lock, from another connection, for longer than the busy timeout (5 s).
      onAccepted = () => {
        onAccepted = null;
        other.exec('BEGIN IMMEDIATE');
        setTimeout(() => other.exec('COMMIT'), 6000);
      };
      await register(area.a);
      await register(area.b); // three notices: A, B and the checker
      // The pass that met the lock ends after that mail; its mark is written at the next pass, once the lock is gone.
      for (const until = Date.now() + 30_000; t.region.mailQueue.stats().sent < 1 && Date.now() < until; ) await settle();
      expect(smtp.mails).to.have.length(1);
      // Past the claims: the other two go, and the first is not sent again, then or later.
      for (const _ of [1, 2]) {
        advanceSeconds(t.clock, 400);
        await t.region.mailWorker.runOnce();
      }
      await settle();
      expect(t.region.mailQueue.stats()).to.include({ queued: 0, sent: 3 });
      expect(smtp.mails).to.have.length(3);
      expect(new Set(smtp.mails.map((m) => m.messageId)).size).to.equal(3);
    } finally {
      other.close();
    }
  });

  it('gives a mail up after mail.maxAttempts and shows it to the administrator as a dead letter, who can send it again', async () => {
    await t.close();
    t = await startTestRegion({ ...mailConfig(smtp), mail: { ...(mailConfig(smtp).mail as object), maxAttempts: 2 } });
    area = await setupArea(t.baseUrl);
    refuse = true;
    await register(area.a);
    await register(area.b);
    await t.region.mailWorker.runOnce();
    advanceSeconds(t.clock, 31);
    await t.region.mailWorker.runOnce();
    expect(t.region.mailQueue.stats()).to.include({ queued: 0, dead: 3 });
    const dead = t.region.mailQueue.deadLetters();
    expect(dead.map((d) => d.attempts)).to.deep.equal([2, 2, 2]);
    refuse = false;
    expect(t.region.mailQueue.retryDead(dead[0].id)).to.equal(true);
    await t.region.mailWorker.runOnce();
    expect(await smtp.waitFor(1)).to.have.length(1);
    expect(t.region.mailQueue.stats()).to.include({ sent: 1, dead: 2 });
  });

  it('stops after the mail it is sending when the region shuts down, however many are queued for an SMTP server that does not answer', async () => {
    const { createServer } = await import('node:net');
    let connections = 0;
    const silent = createServer((socket) => {
      connections++;
      socket.on('error', () => undefined); // it never greets; the sender gives up after its greeting timeout
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      await t.close();
      t = await startTestRegion({ mail: { ...(mailConfig(smtp).mail as object), smtp: { host: '127.0.0.1', port: (silent.address() as { port: number }).port, secure: false }, pollMs: 60_000 } });
      area = await setupArea(t.baseUrl);
      await register(area.a);
      await register(area.b); // three mails due
      const pass = t.region.mailWorker.runOnce();
      for (const until = Date.now() + 5000; connections === 0 && Date.now() < until; ) await settle();
      await t.region.mailWorker.stop();
      await pass.catch(() => undefined);
      expect(connections, 'one mail tried, not the whole queue').to.equal(1);
      expect(t.region.mailQueue.stats()).to.include({ queued: 3, sent: 0 });
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('mails nothing for notices made while mail was switched off long ago, and nothing when mail is off', async () => {
    await t.close();
    t = await startTestRegion({ mail: { enabled: false } });
    area = await setupArea(t.baseUrl);
    await register(area.a);
    await register(area.b);
    await settle();
    expect(t.region.mailQueue.stats()).to.include({ queued: 0, sent: 0 });
    const dataDir = t.dataDir;
    await t.region.close();
    t.clock.advanceDays(4);
    t = await startTestRegion({ ...mailConfig(smtp), dataDir }, t.clock);
    await t.region.mailWorker.runOnce();
    expect(t.region.mailQueue.stats()).to.include({ queued: 0, sent: 0 });
    expect(smtp.mails).to.have.length(0);
  });
});
