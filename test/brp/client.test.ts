import { createServer } from 'node:net';
import { expect } from 'chai';
import { createBrpPersonenClient, type BrpHttpOptions } from '../../region/brp/client.js';
import { BrpRequestError, BrpUnavailableError } from '../../region/brp/errors.js';
import { PERSON_FIELDS } from '../../region/brp/schema.js';
import { loadOfficialSpec } from '../helpers/brp-spec.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { ABROAD, adres, CHILD, DECEASED, FATHER, HOME, LEFT_ADDRESS, MOTHER, personen, POSTAL_ONLY, UNKNOWN_TO_BRP, WHEREABOUTS_UNKNOWN } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the BRP API Personen client', () => {
  let brp: FakeBrp;
  let options: BrpHttpOptions;

  beforeEach(async () => {
    brp = await startFakeBrp({ personen: personen() });
    options = { baseUrl: brp.personenUrl, apiKey: brp.apiKey, apiKeyHeader: 'X-API-KEY', timeoutMs: 2000 };
  });
  afterEach(() => brp.close());

  it('looks a youth up and maps birth date, parents, residential address and municipality', async () => {
    const person = await createBrpPersonenClient(options).lookup(CHILD);
    expect(person).to.deep.equal({
      bsn: CHILD,
      birthDate: '2012-05-14',
      parentBsns: [MOTHER, FATHER],
      residentialAddressId: HOME,
      municipality: '0344',
      deceasedOn: null,
    });
  });

  it('asks only for the fields the index uses, in a request the official PersonenQuery schema accepts', async () => {
    await createBrpPersonenClient(options).lookup(CHILD);
    const [exchange] = brp.exchanges;
    const body = exchange.requestBody as { type: string; burgerservicenummer: string[]; fields: string[] };
    expect(body).to.deep.equal({ type: 'RaadpleegMetBurgerservicenummer', burgerservicenummer: [CHILD], fields: [...PERSON_FIELDS] });
    const spec = loadOfficialSpec('brp-personen');
    expect(spec.validate(spec.requestSchema('/personen', 'post'), body)).to.deep.equal([]);
    const answered = JSON.stringify(exchange.body);
    expect(answered).not.to.contain('geslachtsnaam');
    expect(answered).not.to.contain('Oudegracht');
  });

  it('does not take a briefadres, an address abroad, unknown whereabouts or an address the person left as residential', async () => {
    const client = createBrpPersonenClient(options);
    for (const bsn of [POSTAL_ONLY, ABROAD, WHEREABOUTS_UNKNOWN, LEFT_ADDRESS]) {
      const person = await client.lookup(bsn);
      expect(person, bsn).not.to.equal(null);
      expect(person!.residentialAddressId, bsn).to.equal(null);
    }
  });

  it('maps a death, and a partial birth date to the first day of its known period', async () => {
    const client = createBrpPersonenClient(options);
    const deceased = await client.lookup(DECEASED);
    expect(deceased).to.include({ deceasedOn: '2025-11-02', birthDate: '2008-02-29', municipality: '0356' });
    expect((await client.lookup(ABROAD))!.birthDate).to.equal('2009-03-01');
    expect((await client.lookup(WHEREABOUTS_UNKNOWN))!.birthDate).to.equal('2007-01-01');
    expect((await client.lookup(LEFT_ADDRESS))!.birthDate).to.equal(null);
    expect((await client.lookup(CHILD))!.deceasedOn).to.equal(null);
  });

  it('answers null for a BSN the BRP does not know', async () => {
    expect(await createBrpPersonenClient(options).lookup(UNKNOWN_TO_BRP)).to.equal(null);
  });

  it('sends the API key in the configured header, and a wrong key gives BrpRequestError with the BRP title', async () => {
    await brp.close();
    brp = await startFakeBrp({ personen: personen(), apiKeyHeader: 'X-Gemeente-Key', apiKey: 'k-123' });
    const right = createBrpPersonenClient({ ...options, baseUrl: brp.personenUrl, apiKeyHeader: 'X-Gemeente-Key', apiKey: 'k-123' });
    expect((await right.lookup(CHILD))!.bsn).to.equal(CHILD);
    const err = await rejection(createBrpPersonenClient({ ...options, baseUrl: brp.personenUrl, apiKeyHeader: 'X-Gemeente-Key', apiKey: 'wrong' }).lookup(CHILD));
    expect(err).to.be.instanceOf(BrpRequestError);
    expect(err).to.include({ code: 'BRP_REQUEST_REFUSED', brpStatus: 401, title: 'Niet correct geauthenticeerd.', brpCode: 'authentication' });
  });

  it('gives BrpRequestError with the invalid parameters of a 400, without the BSN in its message', async () => {
    const err = (await rejection(createBrpPersonenClient(options).raadpleeg([CHILD], { gemeenteVanInschrijving: '12' }))) as BrpRequestError;
    expect(err).to.be.instanceOf(BrpRequestError);
    expect(err.brpStatus).to.equal(400);
    expect(err.invalidParams.map((p) => p.name)).to.deep.equal(['gemeenteVanInschrijving']);
    expect(err.message).to.contain('Een of meerdere parameters zijn niet correct.');
    expect(err.message).not.to.contain(CHILD);
  });

  it('honours gemeenteVanInschrijving: a person registered elsewhere is not returned', async () => {
    const client = createBrpPersonenClient(options);
    expect(await client.raadpleeg([CHILD, DECEASED], { gemeenteVanInschrijving: '0356' })).to.have.length(1);
  });

  it('treats an answer outside the specification as the BRP being unavailable', async () => {
    brp.put({ burgerservicenummer: CHILD, verblijfplaats: { ...adres(HOME), adresseerbaarObjectIdentificatie: '12' } }, '2026-03-02');
    const err = (await rejection(createBrpPersonenClient(options).lookup(CHILD))) as BrpUnavailableError;
    expect(err).to.be.instanceOf(BrpUnavailableError);
    expect(err.reason).to.equal('invalid-response');
    expect(err.message).to.contain('verblijfplaats.adresseerbaarObjectIdentificatie');
  });

  describe('when the BRP is down', () => {
    it('gives BrpUnavailableError for a 503', async () => {
      brp.setMode('unavailable');
      const err = (await rejection(createBrpPersonenClient(options).lookup(CHILD))) as BrpUnavailableError;
      expect(err).to.be.instanceOf(BrpUnavailableError);
      expect(err).to.include({ code: 'BRP_UNAVAILABLE', status: 503, reason: 'status', brpStatus: 503 });
    });

    it('gives BrpUnavailableError for a connection the BRP drops', async () => {
      brp.setMode('reset');
      const err = (await rejection(createBrpPersonenClient(options).lookup(CHILD))) as BrpUnavailableError;
      expect(err).to.be.instanceOf(BrpUnavailableError);
      expect(err.reason).to.equal('network');
    });

    it('gives BrpUnavailableError when nothing listens', async () => {
      const port = await closedPort();
      const err = (await rejection(createBrpPersonenClient({ ...options, baseUrl: `http://127.0.0.1:${port}/haalcentraal/api/brp` }).lookup(CHILD))) as BrpUnavailableError;
      expect(err).to.be.instanceOf(BrpUnavailableError);
      expect(err.reason).to.equal('network');
    });

    it('gives up on a BRP that never answers after the configured timeout', async function () {
      this.timeout(5000); // the client's own bound is 200 ms; mocha fails the test if it hangs
      brp.setMode('hang');
      const err = (await rejection(createBrpPersonenClient({ ...options, timeoutMs: 200 }).lookup(CHILD))) as BrpUnavailableError;
      expect(err).to.be.instanceOf(BrpUnavailableError);
      expect(err.reason).to.equal('timeout');
      expect(err.message).to.contain('200 ms');
    });
  });
});
