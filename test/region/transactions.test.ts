import { expect } from 'chai';
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
});
