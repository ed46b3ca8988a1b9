import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

interface AuditRow {
  seq: number;
  actor_kind: string;
  actor_id: string | null;
  institution_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  detail: string | null;
}

describe('the audit log', () => {
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  const rows = (): AuditRow[] => t.region.ctx.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
  const register = (who: Caller, bsn: string) =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(who), body: { bsn, birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true } });

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('records every read and write of signal and match data with who, institution, action, object and outcome', async () => {
    const s = await register(area.a, BSN[0]);
    const m = await register(area.b, BSN[0]);
    await call(t.baseUrl, 'GET', `/api/v1/signals/${s.body.id}`, as(area.a));
    await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a));
    await call(t.baseUrl, 'GET', `/api/v1/matches/${m.body.matchId}`, as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/notices', as(area.b));
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.body.id}/extension`, { ...as(area.a), body: {} });
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.body.id}/removal`, { ...as(area.a), body: { reason: 'risk-ended' } });
    const mine = rows().filter((r) => r.actor_id === area.a.professionalId);
    expect(mine.map((r) => [r.action, r.outcome])).to.deep.equal([
      ['signal.register', 'ok'],
      ['signal.read', 'ok'],
      ['signal.list', 'ok'],
      ['signal.extend', 'rejected:NOT_AN_EXTENSION'],
      ['signal.remove', 'ok'],
    ]);
    expect(mine.every((r) => r.institution_id === area.a.institutionId && r.actor_kind === 'professional')).to.equal(true);
    expect(mine[0]).to.include({ object_type: 'signal', object_id: s.body.id });
    const bs = rows().filter((r) => r.actor_id === area.b.professionalId).map((r) => r.action);
    expect(bs).to.deep.equal(['signal.register', 'match.read', 'match.list', 'notice.list']);
  });

  it('records refused attempts: a rejected registration, another professional\'s signal, a bad API key', async () => {
    await register(area.a, '123456789');
    const s = await register(area.a, BSN[0]);
    await call(t.baseUrl, 'GET', `/api/v1/signals/${s.body.id}`, as(area.b));
    await call(t.baseUrl, 'GET', '/api/v1/signals', { token: 'vir_nope', professionalId: area.a.professionalId });
    const outcomes = rows().map((r) => r.outcome);
    expect(outcomes).to.include('rejected:INVALID_BSN');
    expect(rows().find((r) => r.actor_id === area.b.professionalId && r.action === 'signal.read')?.outcome).to.equal('rejected:NOT_FOUND');
    expect(outcomes).to.include('denied:bad-key');
  });

  it('records refused writes on data that is not the caller\'s: informing, regievoerder, contact, and a checker\'s escalation elsewhere', async () => {
    const s = (await register(area.a, BSN[0])).body;
    const m = (await register(area.b, BSN[0])).body;
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/informing`, { ...as(area.b), body: { informedOn: '2026-03-02', method: 'phone' } });
    await call(t.baseUrl, 'POST', `/api/v1/signals/${s.id}/informing`, { ...as(area.a), body: { informedOn: '2099-01-01', method: 'phone' } });
    await call(t.baseUrl, 'POST', `/api/v1/matches/${m.matchId}/regievoerder`, { ...as(area.c), body: { professionalId: area.c.professionalId } });
    await call(t.baseUrl, 'POST', `/api/v1/matches/${m.matchId}/contact`, as(area.c));
    const token = (await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities/0356/checker-tokens', { token: ADMIN_TOKEN })).body.token as string;
    await call(t.baseUrl, 'POST', `/api/v1/checker/matches/${m.matchId}/escalations`, { token, body: { note: 'Gebeld' } });
    await call(t.baseUrl, 'POST', '/api/v1/checker/escalations/00000000-0000-0000-0000-000000000000/outcome', { token, body: { outcome: 'other' } });
    const refused = rows().filter((r) => r.outcome.startsWith('rejected:')).map((r) => [r.actor_kind, r.actor_id === null ? null : r.actor_id === area.a.professionalId ? 'A' : r.actor_id === area.b.professionalId ? 'B' : r.actor_id === area.c.professionalId ? 'C' : 'checker', r.action, r.object_id === s.id ? 'signal' : r.object_id === m.matchId ? 'match' : r.object_id, r.outcome]);
    expect(refused).to.deep.equal([
      ['professional', 'B', 'signal.informing', 'signal', 'rejected:NOT_FOUND'],
      ['professional', 'A', 'signal.informing', 'signal', 'rejected:INFORMED_IN_FUTURE'],
      ['professional', 'C', 'match.regievoerder', 'match', 'rejected:NOT_FOUND'],
      ['professional', 'C', 'match.contact', 'match', 'rejected:NOT_FOUND'],
      ['checker', 'checker', 'checker.escalate', 'match', 'rejected:NOT_FOUND'],
      ['checker', 'checker', 'checker.escalation-outcome', '00000000-0000-0000-0000-000000000000', 'rejected:NOT_FOUND'],
    ]);
  });

  it('refuses to update or delete an audit entry', async () => {
    await register(area.a, BSN[0]);
    const db = t.region.ctx.db;
    expect(() => db.prepare("UPDATE audit_log SET outcome = 'ok' WHERE seq = 1").run()).to.throw(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).to.throw(/append-only/);
  });

  it('chains each entry to the one before, and names the first broken entry after tampering', async () => {
    await register(area.a, BSN[0]);
    await register(area.b, BSN[0]);
    const before = t.region.ctx.audit.verify();
    expect(before).to.deep.equal({ ok: true, entries: rows().length, firstBrokenSeq: null });
    const db = t.region.ctx.db;
    const target = rows().find((r) => r.action === 'signal.register')!;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = ?").run(target.seq);
    expect(t.region.ctx.audit.verify()).to.deep.include({ ok: false, firstBrokenSeq: target.seq });
  });

  it('holds no BSN, name or token in any audit entry', async () => {
    await register(area.a, BSN[0]);
    await register(area.a, '123456789');
    const text = JSON.stringify(rows());
    for (const secret of [BSN[0], '123456789', area.a.token, 'Anna Alfa']) expect(text).not.to.contain(secret);
  });
});
