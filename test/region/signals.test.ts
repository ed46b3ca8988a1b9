import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

describe('signals through the client-system API', () => {
  let t: TestRegion;
  let area: TestArea;
  const register = (who: Caller, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { token: who.token, professionalId: who.professionalId, body, headers });
  const youth = (bsn: string, extra: Record<string, unknown> = {}) => ({
    bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true, ...extra,
  });

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('registers a signal with the legal maximum as its default removal date', async () => {
    const r = await register(area.a, youth(BSN[0]));
    expect(r.status).to.equal(201);
    expect(r.body).to.include({ status: 'active', removalDate: '2028-03-02', matchId: null });
    expect(r.body.id).to.be.a('string');
    expect(r.body.registeredAt).to.equal('2026-03-02T09:00:00.000Z');
    expect(JSON.stringify(r.body)).not.to.contain(BSN[0]);
  });

  it('rejects a BSN that fails the elfproef with code INVALID_BSN', async () => {
    const r = await register(area.a, youth('123456789'));
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('INVALID_BSN');
  });

  it('tells a case system what a field of the wrong type must be, and says "is required" only of a field that is missing', async () => {
    const wrongTypes = await register(area.a, youth(111222333 as unknown as string, { legalGroundConfirmed: 'true' }));
    expect(wrongTypes.status).to.equal(400);
    expect(wrongTypes.body.error).to.deep.equal({ code: 'VALIDATION_ERROR', message: 'bsn: must be a string of 9 digits; legalGroundConfirmed: must be true' });
    const missing = await register(area.a, { bsn: BSN[0], municipality: '0344', legalGroundConfirmed: true });
    expect(missing.body.error.message).to.equal('birthDate: is required');
  });

  it('rejects a youth of 23 or older with code TOO_OLD', async () => {
    const r = await register(area.a, youth(BSN[0], { birthDate: '2003-03-02' }));
    expect(r.status).to.equal(422);
    expect(r.body.error.code).to.equal('TOO_OLD');
  });

  it('accepts a youth on the last day before their 23rd birthday, and caps the removal date at that birthday', async () => {
    const r = await register(area.a, youth(BSN[0], { birthDate: '2003-03-03' }));
    expect(r.status).to.equal(201);
    expect(r.body.removalDate).to.equal('2026-03-03');
  });

  it('rejects a birth date in the future', async () => {
    const r = await register(area.a, youth(BSN[0], { birthDate: '2026-03-03' }));
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('BIRTH_DATE_IN_FUTURE');
  });

  it('rejects a signal without the attestation of the legal ground', async () => {
    for (const body of [youth(BSN[0], { legalGroundConfirmed: false }), { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344' }]) {
      const r = await register(area.a, body);
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('LEGAL_GROUND_NOT_CONFIRMED');
    }
  });

  it('rejects a removal date in the past or beyond two years after registration', async () => {
    const past = await register(area.a, youth(BSN[0], { removalDate: '2026-03-01' }));
    expect(past.body.error.code).to.equal('REMOVAL_DATE_IN_PAST');
    const late = await register(area.a, youth(BSN[0], { removalDate: '2028-03-03' }));
    expect(late.status).to.equal(400);
    expect(late.body.error.code).to.equal('REMOVAL_DATE_TOO_LATE');
    expect(late.body.error.message).to.contain('2028-03-02');
    const ok = await register(area.a, youth(BSN[0], { removalDate: '2027-01-01' }));
    expect(ok.status).to.equal(201);
    expect(ok.body.removalDate).to.equal('2027-01-01');
  });

  it('rejects a removal date past the youth\'s 23rd birthday', async () => {
    const r = await register(area.a, youth(BSN[0], { birthDate: '2004-01-10', removalDate: '2027-01-11' }));
    expect(r.body.error.code).to.equal('REMOVAL_DATE_TOO_LATE');
  });

  it('rejects a municipality outside the covenant area', async () => {
    const r = await register(area.a, youth(BSN[0], { municipality: '0363' }));
    expect(r.status).to.equal(422);
    expect(r.body.error.code).to.equal('UNKNOWN_MUNICIPALITY');
  });

  it('accepts a municipality from the moment it joins the covenant area, after registrations for others', async () => {
    expect((await register(area.a, youth(BSN[0]))).status).to.equal(201);
    expect((await register(area.a, youth(BSN[1], { municipality: '0363' }))).body.error.code).to.equal('UNKNOWN_MUNICIPALITY');
    const added = await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', {
      token: ADMIN_TOKEN,
      body: { code: '0363', name: 'Amsterdam', checker: { name: 'Checker Amsterdam', email: 'checker@0363.example.org', phone: '020-1234567' } },
    });
    expect(added.status).to.equal(201);
    const r = await register(area.a, youth(BSN[1], { municipality: '0363' }));
    expect(r.status).to.equal(201);
    expect(r.body.municipality).to.equal('0363');
    expect((await register(area.a, youth(BSN[2], { municipality: '0599' }))).body.error.code).to.equal('UNKNOWN_MUNICIPALITY');
  });

  it('refuses fields the law does not allow to be stored, such as the risk criterion', async () => {
    const r = await register(area.a, youth(BSN[0], { riskCriterion: 'a' }));
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('VALIDATION_ERROR');
    expect(r.body.error.message).to.contain('riskCriterion');
  });

  it('gives the same professional their existing active signal back (200) instead of a second one', async () => {
    const first = await register(area.a, youth(BSN[0]));
    const again = await register(area.a, youth(BSN[0]));
    expect(again.status).to.equal(200);
    expect(again.body.id).to.equal(first.body.id);
    const list = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId });
    expect(list.body).to.have.length(1);
  });

  it('returns the first answer to a retried POST with the same Idempotency-Key', async () => {
    const first = await register(area.a, youth(BSN[0]), { 'idempotency-key': 'case-42-try' });
    t.clock.advanceDays(1);
    const retry = await register(area.a, youth(BSN[0]), { 'idempotency-key': 'case-42-try' });
    expect(retry.status).to.equal(201);
    expect(retry.body).to.deep.equal(first.body);
    const other = await register(area.a, youth(BSN[1]), { 'idempotency-key': 'case-42-try' });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
  });

  it('shows a professional only their own signals', async () => {
    const mine = await register(area.a, youth(BSN[0]));
    await register(area.b, youth(BSN[1]));
    const other = await call(t.baseUrl, 'GET', `/api/v1/signals/${mine.body.id}`, { token: area.b.token, professionalId: area.b.professionalId });
    expect(other.status).to.equal(404);
    const colleague = await call(t.baseUrl, 'GET', `/api/v1/signals/${mine.body.id}`, { token: area.a2.token, professionalId: area.a2.professionalId });
    expect(colleague.status).to.equal(404);
    const own = await call(t.baseUrl, 'GET', `/api/v1/signals/${mine.body.id}`, { token: area.a.token, professionalId: area.a.professionalId });
    expect(own.status).to.equal(200);
    expect(own.body.id).to.equal(mine.body.id);
    const list = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.b.token, professionalId: area.b.professionalId });
    expect(list.body.map((s: { id: string }) => s.id)).not.to.include(mine.body.id);
  });

  it('extends a signal for a new term within the same limits', async () => {
    const s = await register(area.a, youth(BSN[0], { removalDate: '2026-09-01' }));
    t.clock.set('2026-08-01T10:00:00+02:00');
    const url = `/api/v1/signals/${s.body.id}/extension`;
    const who = { token: area.a.token, professionalId: area.a.professionalId };
    const tooLate = await call(t.baseUrl, 'POST', url, { ...who, body: { removalDate: '2028-08-02' } });
    expect(tooLate.body.error.code).to.equal('REMOVAL_DATE_TOO_LATE');
    const ok = await call(t.baseUrl, 'POST', url, { ...who, body: { removalDate: '2028-08-01' } });
    expect(ok.status).to.equal(200);
    expect(ok.body.removalDate).to.equal('2028-08-01');
    const shorter = await call(t.baseUrl, 'POST', url, { ...who, body: { removalDate: '2027-01-01' } });
    expect(shorter.body.error.code).to.equal('NOT_AN_EXTENSION');
    // Asked without a date, the extension is to the latest date the law allows; already there, the answer says so.
    const again = await call(t.baseUrl, 'POST', url, { ...who, body: {} });
    expect(again.body.error).to.deep.equal({ code: 'NOT_AN_EXTENSION', message: 'the signal already runs until the latest date the law allows (2028-08-01): it cannot be extended further now' });
  });

  it('archives a signal removed because the risk ended, and erases one removed as unjustified (7.1.4.6)', async () => {
    const who = { token: area.a.token, professionalId: area.a.professionalId };
    const s1 = await register(area.a, youth(BSN[0]));
    const s2 = await register(area.a, youth(BSN[1]));
    const archived = await call(t.baseUrl, 'POST', `/api/v1/signals/${s1.body.id}/removal`, { ...who, body: { reason: 'risk-ended' } });
    expect(archived.body).to.include({ status: 'archived', removalReason: 'risk-ended', archiveUntil: '2031-03-02' });
    for (const reason of ['unjustified', 'objection', 'correction']) {
      const s = await register(area.a, youth(BSN[2]));
      const r = await call(t.baseUrl, 'POST', `/api/v1/signals/${s.body.id}/removal`, { ...who, body: { reason } });
      expect(r.body).to.include({ status: 'removed', removalReason: reason });
      expect(r.body).not.to.have.property('archiveUntil');
    }
    const bad = await call(t.baseUrl, 'POST', `/api/v1/signals/${s2.body.id}/removal`, { ...who, body: { reason: 'bored' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.contain('unjustified, risk-ended, objection, correction');
    const twice = await call(t.baseUrl, 'POST', `/api/v1/signals/${s1.body.id}/removal`, { ...who, body: { reason: 'risk-ended' } });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal('SIGNAL_NOT_ACTIVE');
  });
});

describe('youths without a BSN (Besluit Jeugdwet 7.3.1)', () => {
  let t: TestRegion;
  let area: TestArea;
  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());
  const register = (who: Caller, body: Record<string, unknown>) =>
    call(t.baseUrl, 'POST', '/api/v1/signals', { token: who.token, professionalId: who.professionalId, body: { birthDate: '2013-06-07', municipality: '0344', legalGroundConfirmed: true, ...body } });

  it('lets two professionals who type the same youth without a BSN meet, however they write the voorvoegsels', async () => {
    const a = await register(area.a, { withoutBsn: { familyName: 'van der Berg', sex: 'V' } });
    expect(a.status).to.equal(201);
    const b = await register(area.b, { withoutBsn: { familyName: 'Berg, Van Der', sex: 'V' } });
    expect(b.status).to.equal(201);
    expect(b.body.matchId).to.be.a('string');
    const other = await register(area.c, { withoutBsn: { familyName: 'van der Berg', sex: 'M' } });
    expect(other.body.matchId).to.equal(null);
  });

  it('refuses a family name whose bytes were not UTF-8, instead of deriving the youth\'s number from the letters left', async () => {
    const raw = Buffer.concat([Buffer.from('{"withoutBsn":{"familyName":"Jan'), Buffer.from([0xff, 0xfe]), Buffer.from('sen","sex":"V"},"birthDate":"2013-06-07","municipality":"0344","legalGroundConfirmed":true}')]);
    const r = await fetch(`${t.baseUrl}/api/v1/signals`, {
      method: 'POST', body: raw,
      headers: { authorization: `Bearer ${area.a.token}`, 'x-professional-id': area.a.professionalId, 'content-type': 'application/json' },
    });
    expect(r.status).to.equal(400);
    expect((await r.json()).error.message).to.equal('withoutBsn.familyName: holds characters that are not text: send the body as UTF-8, and the name as in the youth\'s papers');
    expect((await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId })).body).to.deep.equal([]);
  });

  it('asks for a BSN or the facts for a service number, not both and not neither', async () => {
    const neither = await register(area.a, {});
    expect(neither.status).to.equal(400);
    expect(neither.body.error.message).to.contain('withoutBsn');
    const both = await register(area.a, { bsn: BSN[0], withoutBsn: { familyName: 'Berg', sex: 'V' } });
    expect(both.body.error.message).to.equal('send either bsn or withoutBsn, not both');
  });
});
