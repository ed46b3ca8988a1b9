import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, type TestRegion } from '../helpers/region.js';

describe('the covenant area through the admin API', () => {
  let t: TestRegion;
  const admin = { token: ADMIN_TOKEN };
  beforeEach(async () => {
    t = await startTestRegion();
  });
  afterEach(async () => t.close());

  it('refuses callers without a valid admin token, including an institution\'s API key', async () => {
    const none = await call(t.baseUrl, 'GET', '/api/v1/admin/institutions');
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('UNAUTHORIZED');
    const wrong = await call(t.baseUrl, 'GET', '/api/v1/admin/institutions', { token: 'nope' });
    expect(wrong.status).to.equal(401);
    const area = await setupArea(t.baseUrl);
    const apiKey = await call(t.baseUrl, 'GET', '/api/v1/admin/institutions', { token: area.a.token });
    expect(apiKey.status).to.equal(401);
  });

  it('adds a municipality with its checker, and refuses a bad CBS code or a duplicate', async () => {
    const body = { code: '0344', name: 'Utrecht', checker: { name: 'C. Hecker', email: 'c@utrecht.example.org', phone: '030-1234567' } };
    expect((await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', { ...admin, body })).status).to.equal(201);
    const dup = await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', { ...admin, body });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('MUNICIPALITY_EXISTS');
    const bad = await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', { ...admin, body: { ...body, code: '344' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.contain('code: must be the 4-digit CBS municipality code');
    const noChecker = await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', { ...admin, body: { code: '0356', name: 'Nieuwegein' } });
    expect(noChecker.body.error.message).to.contain('checker: is required');
    const list = await call(t.baseUrl, 'GET', '/api/v1/admin/municipalities', admin);
    expect(list.body.map((m: { code: string }) => m.code)).to.deep.equal(['0344']);
  });

  it('refuses a name or function with a control character, naming the field, and writes nothing', async () => {
    const inst = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { ...admin, body: { name: 'GGD\u0000', category: 'veilig-thuis' } });
    expect(inst.status).to.equal(400);
    expect(inst.body.error.message).to.equal('name: must not contain control characters (such as a tab or line break)');
    const ok = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { ...admin, body: { name: 'GGD', category: 'veilig-thuis' } });
    const pro = { name: 'Jan\u0007 Bel', function: 'Jeugdarts', email: 'jan@ggd.example.org', phone: '030-1234567' };
    for (const body of [pro, { ...pro, name: 'Jan Bel', function: 'Jeugd\u202Barts\u0085' }]) {
      const r = await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${ok.body.id}/professionals`, { ...admin, body });
      expect(r.status).to.equal(400);
      expect(r.body.error.message).to.match(/^(name|function): must not contain control characters/);
    }
    const mangled = await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${ok.body.id}/professionals`, { ...admin, body: { ...pro, name: 'Lars \uFFFDWillems' } });
    expect(mangled.body.error.message).to.equal('name: holds characters that are not text: save the file (or send the body) as UTF-8');
    expect((await call(t.baseUrl, 'GET', `/api/v1/admin/institutions/${ok.body.id}/professionals`, admin)).body).to.deep.equal([]);
    const account = await call(t.baseUrl, 'POST', '/api/v1/admin/accounts', { ...admin, body: { role: 'admin', name: 'Beheer\u0000', username: 'beheer.twee' } });
    expect(account.status).to.equal(400);
    expect(account.body.error.message).to.equal('name: must not contain control characters (such as a tab or line break)');
  });

  it('accepts only institutions of a designated category', async () => {
    const bad = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { ...admin, body: { name: 'Sportclub', category: 'sport' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.match(/^category: must be one of: veilig-thuis, /);
    const ok = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', {
      ...admin, body: { name: 'Veilig Thuis Utrecht', category: 'veilig-thuis', coordinator: { name: 'Co Ordinator', email: 'co@vt.example.org', phone: '030-7654321' } },
    });
    expect(ok.status).to.equal(201);
    expect(ok.body.id).to.be.a('string');
  });

  it('lets only authorised professionals signal, and stops a deauthorised one at once', async () => {
    const area = await setupArea(t.baseUrl);
    const path = `/api/v1/admin/institutions/${area.a.institutionId}/professionals/${area.a.professionalId}`;
    // The professional has just been seen (and is remembered for a moment): deauthorisation still holds from the next request.
    const before = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId });
    expect(before.status).to.equal(200);
    const off = await call(t.baseUrl, 'POST', `${path}/deauthorisation`, admin);
    expect(off.body).to.deep.equal({ id: area.a.professionalId, authorised: false });
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    const refused = await call(t.baseUrl, 'POST', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId, body });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('PROFESSIONAL_NOT_AUTHORISED');
    await call(t.baseUrl, 'POST', `${path}/authorisation`, admin);
    const allowed = await call(t.baseUrl, 'POST', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId, body });
    expect(allowed.status).to.equal(201);
  });

  it('refuses a case system acting for a professional of another institution, or for nobody', async () => {
    const area = await setupArea(t.baseUrl);
    const foreign = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.a.token, professionalId: area.b.professionalId });
    expect(foreign.status).to.equal(403);
    const nobody = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: area.a.token });
    expect(nobody.status).to.equal(400);
    expect(nobody.body.error.code).to.equal('PROFESSIONAL_ID_REQUIRED');
  });

  it('shows an API key once, stores it hashed, and stops it working when revoked', async () => {
    const area = await setupArea(t.baseUrl);
    const created = await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.b.institutionId}/api-keys`, { ...admin, body: { label: 'Zorgdossier' } });
    expect(created.status).to.equal(201);
    expect(created.body.key).to.match(/^vir_[A-Za-z0-9_-]{43}$/);
    const listed = await call(t.baseUrl, 'GET', `/api/v1/admin/institutions/${area.b.institutionId}/api-keys`, admin);
    expect(JSON.stringify(listed.body)).not.to.contain(created.body.key);
    expect(listed.body.find((k: { id: string }) => k.id === created.body.id)).to.include({ label: 'Zorgdossier', revoked_at: null });
    const works = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: created.body.key, professionalId: area.b.professionalId });
    expect(works.status).to.equal(200);
    await call(t.baseUrl, 'POST', `/api/v1/admin/institutions/${area.b.institutionId}/api-keys/${created.body.id}/revocation`, admin);
    const revoked = await call(t.baseUrl, 'GET', '/api/v1/signals', { token: created.body.key, professionalId: area.b.professionalId });
    expect(revoked.status).to.equal(401);
  });

  it('answers 404 for an unknown institution', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions/nope/professionals', {
      ...admin, body: { name: 'X', function: 'Y', email: 'x@example.org', phone: '06-12345678' },
    });
    expect(r.status).to.equal(404);
    expect(r.body.error.code).to.equal('NOT_FOUND');
  });
});

describe('bad input over HTTP', () => {
  let t: TestRegion;
  beforeEach(async () => {
    t = await startTestRegion();
  });
  afterEach(async () => t.close());

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/municipalities', { token: ADMIN_TOKEN, rawBody: '{"code": ' });
    expect(r.status).to.equal(400);
    expect(r.body).to.deep.equal({ error: { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' } });
  });

  it('answers an oversized body with 413 and writes nothing', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', {
      token: ADMIN_TOKEN, body: { name: 'x'.repeat(40_000), category: 'ggz' },
    });
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal('BODY_TOO_LARGE');
    expect((await call(t.baseUrl, 'GET', '/api/v1/admin/institutions', { token: ADMIN_TOKEN })).body).to.deep.equal([]);
  });

  it('answers an unknown route with 404 in the error format, naming the whole path', async () => {
    const r = await call(t.baseUrl, 'GET', '/api/v2/nothing');
    expect(r.status).to.equal(404);
    expect(r.body.error.code).to.equal('NOT_FOUND');
    const underAdmin = await call(t.baseUrl, 'GET', '/api/v1/admin/nothing', { token: ADMIN_TOKEN });
    expect(underAdmin.body.error.message).to.equal('no such endpoint: GET /api/v1/admin/nothing');
  });

  it('refuses a field sent to an operation that takes no body, by name, and changes nothing', async () => {
    const area = await setupArea(t.baseUrl);
    const path = `/api/v1/admin/institutions/${area.a.institutionId}/professionals/${area.a.professionalId}/deauthorisation`;
    const r = await call(t.baseUrl, 'POST', path, { token: ADMIN_TOKEN, body: { anything: 1 } });
    expect(r.status).to.equal(400);
    expect(r.body.error.message).to.equal('body: unknown field(s) anything (only the fields the law allows are accepted)');
    const signal = { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true };
    expect((await call(t.baseUrl, 'POST', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId, body: signal })).status).to.equal(201);
    expect((await call(t.baseUrl, 'POST', path, { token: ADMIN_TOKEN, body: {} })).status).to.equal(409);
  });

  it('answers a body that is not JSON with 415, saying to send JSON, and writes nothing', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', {
      token: ADMIN_TOKEN, rawBody: JSON.stringify({ name: 'GGZ', category: 'ggz' }), headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).to.equal(415);
    expect(r.body.error).to.deep.equal({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body as JSON, with Content-Type: application/json' });
    expect((await call(t.baseUrl, 'GET', '/api/v1/admin/institutions', { token: ADMIN_TOKEN })).body).to.deep.equal([]);
  });

  it('answers JSON in another character set, or in an unknown compression, with 415 saying what to send, and writes nothing', async () => {
    const body = JSON.stringify({ name: 'GGZ', category: 'ggz' });
    const latin1 = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { token: ADMIN_TOKEN, rawBody: body, headers: { 'content-type': 'application/json; charset=latin1' } });
    expect(latin1.status).to.equal(415);
    expect(latin1.body.error).to.deep.equal({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body as JSON in UTF-8 (leave out the charset, or give charset=utf-8)' });
    const compress = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { token: ADMIN_TOKEN, rawBody: body, headers: { 'content-type': 'application/json', 'content-encoding': 'compress' } });
    expect(compress.status).to.equal(415);
    expect(compress.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    expect((await call(t.baseUrl, 'GET', '/api/v1/admin/institutions', { token: ADMIN_TOKEN })).body).to.deep.equal([]);
  });

  it('answers a missing body with a message that says what is required', async () => {
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { token: ADMIN_TOKEN });
    expect(r.status).to.equal(400);
    expect(r.body.error.message).to.equal('body: is required');
  });

  it('never shows a stack trace, even when something inside fails', async () => {
    t.region.ctx.db.exec("CREATE TRIGGER boom BEFORE INSERT ON institutions BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    const r = await call(t.baseUrl, 'POST', '/api/v1/admin/institutions', { token: ADMIN_TOKEN, body: { name: 'GGZ', category: 'ggz' } });
    expect(r.status).to.equal(500);
    expect(r.body).to.deep.equal({ error: { code: 'INTERNAL_ERROR', message: 'an internal error occurred; it has been logged' } });
    const failed = t.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
    // The error's type is in the log (a field called name would be censored as a person's name).
    expect(failed.err.type).to.equal('SqliteError');
    expect(failed.err.stack).to.contain('disk on fire');
  });

  it('answers health once ready', async () => {
    const r = await call(t.baseUrl, 'GET', '/health');
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('ok');
  });
});

describe('unknown endpoints under the admin and checker APIs', () => {
  it('answer 404 to a valid admin token, not an API key error', async () => {
    const t = await startTestRegion();
    try {
      const r = await call(t.baseUrl, 'GET', '/api/v1/admin/nothing-here', { token: ADMIN_TOKEN });
      expect(r.status).to.equal(404);
      expect(r.body.error.code).to.equal('NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});
