import { expect } from 'chai';
import { createBrpPersonenClient, createBrpUpdateClient } from '../../region/brp/client.js';
import { BrpRequestError, BrpUnavailableError } from '../../region/brp/errors.js';
import { createApiPersonRegistry, type PersonRegistry } from '../../region/brp/registry.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { adres, CHILD, DECEASED, personen, SIBLING } from './fixtures.js';

describe('following persons in the BRP: volgindicaties and wijzigingen', () => {
  let brp: FakeBrp;
  let day: string;
  let registry: PersonRegistry;
  const options = (b: FakeBrp, baseUrl: string) => ({ baseUrl, apiKey: b.apiKey, apiKeyHeader: b.apiKeyHeader, timeoutMs: 2000 });

  beforeEach(async () => {
    day = '2026-03-02';
    brp = await startFakeBrp({ personen: personen(), today: () => day });
    registry = createApiPersonRegistry(
      createBrpPersonenClient(options(brp, brp.personenUrl)),
      createBrpUpdateClient(options(brp, brp.updateUrl)),
      () => day,
    );
  });
  afterEach(() => brp.close());

  it('follows a youth, learns of their move through wijzigingen, reads the new address, and stops following', async () => {
    await registry.follow(CHILD);
    expect(brp.volgindicaties().get(CHILD)).to.equal(null);
    const put = brp.exchanges.at(-1)!;
    expect(put).to.include({ method: 'PUT', status: 201 });
    expect(put.path).to.match(/\/volgindicaties\/999991000$/);
    expect(put.requestBody).to.deep.equal({});

    day = '2026-03-05';
    brp.put({ ...personen()[0], verblijfplaats: adres('0356010000000042'), gemeenteVanInschrijving: { code: '0356', omschrijving: 'Nieuwegein' } }, '2026-03-04');
    day = '2026-03-06';
    expect(await registry.changesSince('2026-03-02')).to.deep.equal([{ bsn: CHILD, changedOn: '2026-03-06' }]);
    expect(brp.exchanges.at(-1)!.path).to.match(/\/wijzigingen\?vanaf=2026-03-02$/);
    expect(await registry.lookup(CHILD)).to.include({ residentialAddressId: '0356010000000042', municipality: '0356' });

    await registry.unfollow(CHILD);
    expect(brp.exchanges.at(-1)!.requestBody).to.deep.equal({ einddatum: '2026-03-06' });
    expect(brp.volgindicaties().has(CHILD)).to.equal(false);
    expect(await registry.changesSince('2026-03-02')).to.deep.equal([]);
  });

  it('reports neither persons it does not follow nor changes before the date asked', async () => {
    await registry.follow(CHILD);
    brp.put({ ...personen()[1], verblijfplaats: adres('0344010000000077') }, '2026-03-03');
    brp.put({ ...personen()[0], overlijden: { datum: { type: 'Datum', datum: '2026-02-20', langFormaat: '20 februari 2026' } } }, '2026-02-21');
    expect(await registry.changesSince('2026-03-01')).to.deep.equal([]);
    expect((await registry.changesSince('2026-02-21')).map((c) => c.bsn)).to.deep.equal([CHILD]);
    expect(await registry.lookup(CHILD)).to.include({ deceasedOn: '2026-02-20' });
  });

  it('follows twice without harm: the BRP answers 201, then 200, and an einddatum is sent only when asked', async () => {
    const update = createBrpUpdateClient(options(brp, brp.updateUrl));
    expect(await update.follow(SIBLING)).to.deep.equal({ bsn: SIBLING, begindatum: '2026-03-02', einddatum: null });
    expect(await update.follow(SIBLING, '2030-01-01')).to.deep.equal({ bsn: SIBLING, begindatum: '2026-03-02', einddatum: '2030-01-01' });
    expect(brp.exchanges.map((e) => e.status)).to.deep.equal([201, 200]);
    expect(brp.exchanges[1].requestBody).to.deep.equal({ einddatum: '2030-01-01' });
  });

  it('gives BrpRequestError when the BRP refuses an einddatum in the past', async () => {
    const update = createBrpUpdateClient(options(brp, brp.updateUrl));
    const err = await update.endFollow(DECEASED, '2020-01-01').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(BrpRequestError);
    expect((err as BrpRequestError).invalidParams.map((p) => p.name)).to.deep.equal(['einddatum']);
    expect((err as Error).message).not.to.contain(DECEASED);
  });

  it('gives BrpUnavailableError when the Update API is down, so the caller can try again later', async () => {
    brp.setMode('unavailable');
    for (const call of [() => registry.follow(CHILD), () => registry.unfollow(CHILD), () => registry.changesSince('2026-03-01')]) {
      const err = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(BrpUnavailableError);
    }
  });
});
