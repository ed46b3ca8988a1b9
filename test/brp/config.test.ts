import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/load.js';
import { BrpUnavailableError } from '../../region/brp/errors.js';
import { startFakeBrp, type FakeBrp } from '../helpers/fake-brp.js';
import { startTestRegion, type TestRegion } from '../helpers/region.js';
import { CHILD, HOME, personen } from './fixtures.js';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const API_ENV = {
  REGION_BRP_SOURCE: 'api',
  REGION_BRP_PERSONEN_URL: 'https://brp.example.nl/haalcentraal/api/brp',
  REGION_BRP_UPDATE_URL: 'https://brp.example.nl/haalcentraal/api/brpupdate',
  REGION_BRP_API_KEY: 'secret-key',
};

describe('choosing the population register in config', () => {
  it('has no population register by default', () => {
    expect(loadConfig({}).brp).to.deep.equal({ source: 'none', api: null });
  });

  it('reads source api from the environment, with X-API-KEY and a 10 second timeout by default', () => {
    expect(loadConfig(API_ENV).brp).to.deep.equal({
      source: 'api',
      api: { personenUrl: API_ENV.REGION_BRP_PERSONEN_URL, updateUrl: API_ENV.REGION_BRP_UPDATE_URL, apiKey: 'secret-key', apiKeyHeader: 'X-API-KEY', timeoutMs: 10_000 },
    });
  });

  it('stops start-up with the key to set when source api lacks a URL or the key', () => {
    expect(configError(() => loadConfig({ REGION_BRP_SOURCE: 'api' }))).to.match(/^config key brp\.api\.personenUrl: required .*REGION_BRP_PERSONEN_URL/);
    expect(configError(() => loadConfig({ ...API_ENV, REGION_BRP_API_KEY: '' }))).to.equal('config key brp.api.apiKey: is required (set REGION_BRP_API_KEY)');
    expect(configError(() => loadConfig({ ...API_ENV, REGION_BRP_UPDATE_URL: '' }))).to.equal('config key brp.api.updateUrl: is required (set REGION_BRP_UPDATE_URL)');
    expect(configError(() => loadConfig({ ...API_ENV, REGION_BRP_PERSONEN_URL: 'brp.example.nl' }))).to.match(/^config key brp\.api\.personenUrl: must be the http\(s\) base URL/);
    expect(configError(() => loadConfig({ ...API_ENV, REGION_BRP_SOURCE: 'gba' }))).to.equal('config key brp.source: must be none, local or api');
  });

  it('refuses plain http to the BRP in production', () => {
    const production = { REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), REGION_BSN_INDEX_KEY: Buffer.alloc(32, 2).toString('base64') };
    expect(configError(() => loadConfig({ ...production, ...API_ENV, REGION_BRP_PERSONEN_URL: 'http://brp.example.nl/api/brp' }))).to.equal('config key brp.api.personenUrl: must be https in production');
  });
});

describe('a region with the BRP as its population register', () => {
  let brp: FakeBrp;
  let test: TestRegion;

  beforeEach(async () => {
    brp = await startFakeBrp({ personen: personen() });
    test = await startTestRegion({ brp: { source: 'api', api: { personenUrl: brp.personenUrl, updateUrl: brp.updateUrl, apiKey: brp.apiKey, timeoutMs: 1000 } } });
  });
  afterEach(async () => {
    await test.close();
    await brp.close();
  });

  it('looks persons up through the BRP as `persons`, and reports the BRP down as BrpUnavailableError', async () => {
    expect(await test.region.persons!.lookup(CHILD)).to.include({ bsn: CHILD, residentialAddressId: HOME });
    brp.setMode('unavailable');
    const err = await test.region.persons!.lookup(CHILD).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(BrpUnavailableError);
  });
});

describe('a region without a population register', () => {
  it('has persons null, so everything that worked without the BRP keeps working', async () => {
    const test = await startTestRegion();
    try {
      expect(test.region.persons).to.equal(null);
    } finally {
      await test.close();
    }
  });
});
