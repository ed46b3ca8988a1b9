import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config/load.js';
import { loadNationalConfig, parseNationalConfig } from '../../national/config.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

describe('configuration', () => {
  it('starts with no configuration at all, in development with demo data', () => {
    const c = loadConfig({});
    expect(c).to.include({ mode: 'development', demo: true, port: 8080, timeZone: 'Europe/Amsterdam' });
  });

  it('honours PORT, REGION_DATA_DIR and REGION_ADMIN_TOKEN', () => {
    const token = 'x'.repeat(40);
    const c = loadConfig({ PORT: '9090', REGION_DATA_DIR: '/tmp/vir', REGION_ADMIN_TOKEN: token });
    expect(c).to.include({ port: 9090, dataDir: '/tmp/vir', adminToken: token });
  });

  it('names the key and what is wrong for a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, 'port (PORT): must be a whole number, got "eighty"');
    expect(() => loadConfig({ REGION_ADMIN_TOKEN: 'short' })).to.throw(ConfigError, 'config key adminToken: must be at least 32 characters');
    expect(() => loadConfig({ REGION_BSN_INDEX_KEY: 'abc' })).to.throw(ConfigError, 'config key keys.bsnIndex: must be 32 bytes, base64-encoded');
    expect(() => loadConfig({ REGION_TIME_ZONE: 'Mars/Olympus' })).to.throw(ConfigError, 'config key timeZone');
  });

  it('reads a config file named by REGION_CONFIG, and rejects unknown keys in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-config-'));
    const file = join(dir, 'area.json');
    writeFileSync(file, JSON.stringify({ region: { id: 'utrecht', name: 'Regio Utrecht' }, port: 7000 }));
    expect(loadConfig({ REGION_CONFIG: file })).to.deep.include({ port: 7000, region: { id: 'utrecht', name: 'Regio Utrecht' } });
    writeFileSync(file, JSON.stringify({ prot: 7000 }));
    expect(() => loadConfig({ REGION_CONFIG: file })).to.throw(ConfigError, 'prot');
    writeFileSync(file, '{ not json');
    expect(() => loadConfig({ REGION_CONFIG: file })).to.throw(ConfigError, 'cannot be read as JSON');
    // The mistake is located, never quoted: the text around it may be a key.
    writeFileSync(file, '{ "keys": { "bsnIndex": ujPFpXaiqwSECRET } }');
    const message = (() => {
      try {
        loadConfig({ REGION_CONFIG: file });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).to.match(/^config file .*: cannot be read as JSON: is not valid JSON: an unexpected character/);
    expect(message).not.to.contain('ujPF');
    writeFileSync(file, '{ "port": 7000, }');
    expect(() => loadConfig({ REGION_CONFIG: file })).to.throw(ConfigError, 'is not valid JSON at line 1, column 17');
    for (const notAnObject of ['null', '[]', '7']) {
      writeFileSync(file, notAnObject);
      expect(() => loadConfig({ REGION_CONFIG: file }), notAnObject).to.throw(ConfigError, 'must hold one JSON object ({ ... }) of config keys');
    }
    writeFileSync(file, `\uFEFF${JSON.stringify({ port: 7001 })}`);
    expect(loadConfig({ REGION_CONFIG: file }).port).to.equal(7001);
  });

  it('refuses to start in production without real BSN keys, with demo data, or as the demo area', () => {
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false' })).to.throw(ConfigError, 'keys.bsnEncryption: required in production');
    expect(() => loadConfig({ NODE_ENV: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A })).to.throw(ConfigError, 'keys.bsnIndex');
    // An empty REGION_MODE (a compose file's "REGION_MODE=") leaves NODE_ENV=production in force.
    expect(() => loadConfig({ REGION_MODE: '', NODE_ENV: 'production', REGION_DEMO: 'false' })).to.throw(ConfigError, 'keys.bsnEncryption: required in production');
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_B })).to.throw(ConfigError, 'demo');
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_A })).to.throw(ConfigError, 'must differ');
    // Without REGION_ID the area would call itself "demo" to the national index and in every e-mail.
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_B }))
      .to.throw(ConfigError, 'config key region.id: required in production, the covenant area\'s own id, not the demo\'s "demo" (set REGION_ID)');
    expect(() => loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_B, REGION_ID: 'rijk-van-nijmegen' }))
      .to.throw(ConfigError, 'config key region.name: required in production, the covenant area\'s own name, not the demo\'s "Convenantgebied Demo" (set REGION_NAME)');
    // An area that already ran in production as "demo" keeps its id (the national index knows it by it) by saying so.
    expect(loadConfig({ REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_B, REGION_ID: 'demo', REGION_NAME: 'Convenantgebied Demo' }).region.id)
      .to.equal('demo');
    const ok = loadConfig({
      REGION_MODE: 'production', REGION_DEMO: 'false', REGION_BSN_ENCRYPTION_KEY: KEY_A, REGION_BSN_INDEX_KEY: KEY_B, REGION_ID: 'rijk-van-nijmegen', REGION_NAME: 'Rijk van Nijmegen',
    });
    expect(ok.mode).to.equal('production');
  });
});

describe('covenant decision rules in the configuration', () => {
  it('refuses an invalid rule set at start-up with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vir-rules-'));
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ coordination: { categoryOrder: ['ggz', 'sportclub'] } }));
    expect(() => loadConfig({ REGION_CONFIG: file })).to.throw(ConfigError, 'config key coordination.categoryOrder.1: must be one of: veilig-thuis');
    writeFileSync(file, JSON.stringify({ coordination: { categoryOrder: ['ggz', 'ggz'] } }));
    expect(() => loadConfig({ REGION_CONFIG: file })).to.throw(ConfigError, 'config key coordination.categoryOrder: must not name a category twice');
    expect(() => loadConfig({ REGION_LIFECYCLE_SCHEDULE: 'every day' })).to.throw(ConfigError, 'config key lifecycle.schedule: must be a cron expression');
  });
});

describe('the shipped federation configuration files', () => {
  it('parse: the demo national index and the two demo regions', () => {
    const n = loadNationalConfig({ NATIONAL_CONFIG: 'config/national.demo.json' });
    expect(n.regions.map((r) => r.id)).to.deep.equal(['regio-a', 'regio-b']);
    for (const x of ['a', 'b']) {
      const c = loadConfig({ REGION_CONFIG: `config/region-${x}.demo.json` });
      expect(c.region.id).to.equal(`regio-${x}`);
      expect(c.national).to.include({ enabled: true, url: 'http://127.0.0.1:8443/sync', allowPlainHttp: true });
    }
  });

  it('points the links in e-mails at the port the server listens on, unless the deployment names its public address', () => {
    expect(loadConfig({ PORT: '18080' }).mail.portalBaseUrl).to.equal('http://127.0.0.1:18080');
    expect(loadConfig({ REGION_CONFIG: 'config/region-a.demo.json' }).mail.portalBaseUrl).to.equal('http://127.0.0.1:8081');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '9000' }).mail.portalBaseUrl).to.equal('http://127.0.0.1:9000');
    expect(loadConfig({ PORT: '18080', REGION_PORTAL_URL: 'https://vir.example.org' }).mail.portalBaseUrl).to.equal('https://vir.example.org');
  });

  it('refuse a national index without TLS unless plain HTTP is asked for explicitly', () => {
    expect(() => parseNationalConfig({ regions: [{ id: 'regio-a', name: 'A' }] })).to.throw(ConfigError, 'tls: required');
    expect(() => loadConfig({ REGION_NATIONAL_ENABLED: 'true', REGION_NATIONAL_URL: 'http://127.0.0.1:1/sync' })).to.throw(ConfigError, 'plain http needs national.allowPlainHttp');
  });

  it('names the TLS key whose file is missing, before anything starts', () => {
    const env = { REGION_NATIONAL_ENABLED: 'true', REGION_NATIONAL_URL: 'https://vir-landelijk.example.org/sync', REGION_NATIONAL_CA_FILE: '/nope/ca.pem', REGION_NATIONAL_CERT_FILE: '/nope/cert.pem', REGION_NATIONAL_KEY_FILE: '/nope/key.pem' };
    expect(() => loadConfig(env)).to.throw(ConfigError, 'config key national.tls.caFile: no file at /nope/ca.pem');
  });

  it('refuses a national index on plain HTTP that would listen beyond this machine, where anyone could name any region', () => {
    const regions = [{ id: 'regio-a', name: 'A' }];
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      expect(() => parseNationalConfig({ host, allowPlainHttp: true, regions })).to.throw(ConfigError, `national config key host: ${host} is not this machine alone`);
    }
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(parseNationalConfig({ host, allowPlainHttp: true, regions }).host).to.equal(host);
  });
});
