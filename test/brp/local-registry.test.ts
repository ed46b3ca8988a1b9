import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../config/load.js';
import { createBrpPersonenClient } from '../../region/brp/client.js';
import { createLocalPersonRegistry, type ImportProblem, type LocalPersonRegistry } from '../../region/brp/local-registry.js';
import { createRegionServices, type RegionServices } from '../../region/create-region.js';
import { AppError } from '../../region/errors.js';
import { createLogger } from '../../region/log.js';
import { startFakeBrp } from '../helpers/fake-brp.js';
import { TestClock } from '../helpers/region.js';
import { CHILD, DECEASED, FATHER, HOME, LEFT_ADDRESS, MOTHER, personen, personenFile, SIBLING } from './fixtures.js';

function importError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the import to be refused');
}

describe('the local person registry', () => {
  let dataDir: string;
  let services: RegionServices;
  let local: LocalPersonRegistry;
  let clock: TestClock;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vir-brp-'));
    clock = new TestClock();
    const config = loadConfig({}, { dataDir, demo: false, log: { level: 'silent' }, brp: { source: 'local' } });
    services = createRegionServices(config, { log: createLogger('silent'), now: clock.now });
    local = createLocalPersonRegistry(services.ctx);
  });
  afterEach(() => {
    services.ctx.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a file in the BRP answer format and answers lookups exactly as the BRP client does', async () => {
    expect(local.importJson(personenFile())).to.deep.equal({ added: personen().length, changed: 0, unchanged: 0 });
    const brp = await startFakeBrp({ personen: personen() });
    try {
      const api = createBrpPersonenClient({ baseUrl: brp.personenUrl, apiKey: brp.apiKey, apiKeyHeader: brp.apiKeyHeader, timeoutMs: 2000 });
      for (const p of personen()) {
        const bsn = String(p.burgerservicenummer);
        const fromApi = await api.lookup(bsn);
        expect(await local.lookup(bsn), bsn).to.deep.equal({ ...fromApi!, parentBsns: [...fromApi!.parentBsns].sort() });
      }
    } finally {
      await brp.close();
    }
    expect(await local.lookup(CHILD)).to.deep.equal({ bsn: CHILD, birthDate: '2012-05-14', parentBsns: [MOTHER, FATHER].sort(), residentialAddressId: HOME, municipality: '0344', deceasedOn: null });
    expect(await local.lookup('345671004')).to.equal(null);
    const notABsn = await local.lookup('V6NTSEBK7').then(
      () => null,
      (e: unknown) => e,
    );
    expect(notABsn).to.include({ code: 'INVALID_BSN' });
  });

  it('is the registry a region with brp.source local gives as persons', async () => {
    expect(services.persons).not.to.equal(null);
    local.importJson(personenFile());
    expect(await services.persons!.lookup(SIBLING)).to.include({ residentialAddressId: HOME });
  });

  it('refuses a bad file, naming each bad record by position, line and field, and imports nothing', async () => {
    const records: unknown[] = personen().slice(0, 2);
    records.push({ burgerservicenummer: '12345', geboorte: { datum: { type: 'Datum', datum: '2012-02-30', langFormaat: 'x' } } });
    records.push({ ...personen()[3], verblijfplaats: { type: 'Adres', functieAdres: { code: 'W' }, adresseerbaarObjectIdentificatie: 'abc' } });
    records.push({ geboorte: {} });
    const text = JSON.stringify({ personen: records }, null, 2);
    const err = importError(() => local.importJson(text));
    expect(err.code).to.equal('BRP_FILE_INVALID');
    const problems = err.details as ImportProblem[];
    const lineOf = (needle: string, from = 0) => text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    expect(problems).to.deep.include({ path: 'personen[2].burgerservicenummer', line: lineOf('"12345"'), message: 'must be 9 digits' });
    expect(problems).to.deep.include({ path: 'personen[2].geboorte.datum.datum', line: lineOf('"2012-02-30"'), message: 'must be a date YYYY-MM-DD' });
    expect(problems).to.deep.include({ path: 'personen[3].verblijfplaats.adresseerbaarObjectIdentificatie', line: lineOf('"abc"'), message: 'must be 16 digits' });
    const fifth = problems.find((p) => p.path === 'personen[4].burgerservicenummer');
    expect(fifth).to.deep.include({ message: 'is required' });
    expect(fifth!.line).to.be.greaterThan(lineOf('"abc"'));
    expect(err.message).to.contain(`personen[2].burgerservicenummer (line ${lineOf('"12345"')}): must be 9 digits`);
    expect(err.message).to.contain('nothing was changed');
    expect(await local.lookup(CHILD), 'the good records before the bad ones were not imported').to.equal(null);
  });

  it('refuses a BSN that fails the elfproef, a parent whose BSN does, and a person listed twice', () => {
    const records = [personen()[0], { ...personen()[1], burgerservicenummer: '123456789' }, { ...personen()[2], ouders: [{ burgerservicenummer: '111111111' }] }, personen()[0]];
    const problems = importError(() => local.importJson(JSON.stringify({ personen: records }))).details as ImportProblem[];
    expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
      'personen[1].burgerservicenummer: must pass the elfproef',
      'personen[2].ouders[0].burgerservicenummer: must pass the elfproef',
      'personen[3].burgerservicenummer: is the same person as personen[0]: each person once',
    ]);
  });

  it('says on which line a file stops being JSON, and what the file must look like', () => {
    const broken = importError(() => local.importJson('{\n  "personen": [\n    { "burgerservicenummer": "999991000", }\n  ]\n}'));
    expect(broken.message).to.match(/\(file\) \(line 3\): is not valid JSON/);
    // Located, never quoted: the text around the mistake is a BSN.
    const unquoted = importError(() => local.importJson('{"personen":[{"burgerservicenummer":"999991000"},]}'));
    expect(unquoted.message).to.contain('is not valid JSON').and.not.contain('9991000');
    const shape = importError(() => local.importJson('{ "persons": [] }')).details as ImportProblem[];
    expect(shape.map((p) => `${p.path}: ${p.message}`)).to.have.members(['(file): unknown field(s) persons', 'personen: is required']);
  });

  it('reads a file from disk, byte order mark and all', async () => {
    const file = join(dataDir, 'personen.json');
    writeFileSync(file, `\uFEFF${personenFile()}`);
    expect(local.importFile(file).added).to.equal(personen().length);
    expect(importError(() => local.importFile(join(dataDir, 'missing.json'))).code).to.equal('BRP_FILE_UNREADABLE');
  });

  it('keeps no BSN and no address in plain text in the database file', () => {
    local.importJson(personenFile());
    const bytes = Buffer.concat(readdirSync(dataDir).filter((f) => f.startsWith('region.db')).map((f) => readFileSync(join(dataDir, f))));
    expect(bytes.length).to.be.greaterThan(0);
    for (const p of personen()) {
      const bsn = String(p.burgerservicenummer);
      expect(bytes.includes(Buffer.from(bsn)), bsn).to.equal(false);
    }
    for (const secret of [MOTHER, FATHER, HOME, '2012-05-14']) expect(bytes.includes(Buffer.from(secret)), secret).to.equal(false);
  });

  it('records a move and a death with their dates, and reports them for followed persons only', async () => {
    local.importJson(personenFile());
    await local.follow(CHILD);
    await local.follow(DECEASED);
    const moved = local.updatePerson(CHILD, { residentialAddressId: '0356010000000042', municipality: '0356' }, '2026-03-04');
    expect(moved).to.include({ residentialAddressId: '0356010000000042', municipality: '0356', birthDate: '2012-05-14' });
    expect(await local.lookup(CHILD)).to.deep.equal(moved);
    local.updatePerson(SIBLING, { deceasedOn: '2026-03-05' }, '2026-03-05');
    expect(await local.changesSince('2026-03-03')).to.deep.equal([{ bsn: CHILD, changedOn: '2026-03-04' }]);
    expect(await local.changesSince('2026-03-05')).to.deep.equal([]);
    await local.follow(SIBLING);
    await local.follow(SIBLING);
    expect(await local.changesSince('2026-03-05')).to.deep.equal([{ bsn: SIBLING, changedOn: '2026-03-05' }]);
    await local.unfollow(CHILD);
    expect((await local.changesSince('2026-03-03')).map((c) => c.bsn)).to.deep.equal([SIBLING]);
  });

  it('counts a person an import adds or changes as changed on the day of the import', async () => {
    local.importJson(JSON.stringify({ personen: personen().filter((p) => p.burgerservicenummer !== SIBLING) }));
    for (const bsn of [CHILD, SIBLING, LEFT_ADDRESS]) await local.follow(bsn);
    clock.set('2026-04-10T09:00:00+02:00');
    const next = personen().map((p) => (p.burgerservicenummer === CHILD ? { ...p, gemeenteVanInschrijving: { code: '0356', omschrijving: 'Nieuwegein' } } : p));
    expect(local.importJson(JSON.stringify({ personen: next }))).to.deep.equal({ added: 1, changed: 1, unchanged: personen().length - 2 });
    const changes = await local.changesSince('2026-04-01');
    expect(changes).to.have.deep.members([
      { bsn: CHILD, changedOn: '2026-04-10' },
      { bsn: SIBLING, changedOn: '2026-04-10' },
    ]);
    expect(await local.lookup(CHILD)).to.include({ municipality: '0356' });
  });

  it('refuses a change that breaks the rules, or to an unknown person, and changes nothing', async () => {
    local.importJson(personenFile());
    await local.follow(CHILD);
    expect(importError(() => local.updatePerson(CHILD, { municipality: 'Utrecht' }, '2026-03-04')).message).to.equal('municipality: must be the 4-digit municipality code');
    expect(importError(() => local.updatePerson(CHILD, { deceasedOn: '2026-02-30' }, '2026-03-04')).message).to.equal('deceasedOn: must be a date YYYY-MM-DD');
    expect(importError(() => local.updatePerson(CHILD, { deceasedOn: '2026-03-01' }, 'today')).code).to.equal('INVALID_DATE');
    expect(importError(() => local.updatePerson('345671004', { deceasedOn: '2026-03-01' }, '2026-03-04')).code).to.equal('NOT_FOUND');
    expect(await local.lookup(CHILD)).to.include({ municipality: '0344', deceasedOn: null });
    expect(await local.changesSince('2026-03-03')).to.deep.equal([]);
  });
});
