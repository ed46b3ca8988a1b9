import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD, personenFile } from '../brp/fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'region/cli.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', REGION_DEMO: 'false', LOG_LEVEL: 'silent', ...env },
  });
}

describe('the import-persons command', () => {
  it('imports a BRP-shaped person file into the local register, with no BSN in plain text in the database', function () {
    this.timeout(40_000);
    const dir = mkdtempSync(join(tmpdir(), 'vir-persons-'));
    const file = join(dir, 'personen.json');
    writeFileSync(file, personenFile());
    const r = cli(['import-persons', file], { REGION_DATA_DIR: dir, REGION_BRP_SOURCE: 'local' });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/imported .*personen\.json: \d+ added, 0 changed, 0 unchanged/);
    for (const f of readdirSync(dir).filter((x) => x.startsWith('region.db'))) {
      expect(readFileSync(join(dir, f)).includes(Buffer.from(CHILD))).to.equal(false);
    }
  });

  it('refuses a bad file naming the line and field, and imports nothing', function () {
    this.timeout(40_000);
    const dir = mkdtempSync(join(tmpdir(), 'vir-persons-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, personenFile().replace(`"burgerservicenummer": "${CHILD}"`, '"burgerservicenummer": "12345"'));
    const r = cli(['import-persons', file], { REGION_DATA_DIR: dir, REGION_BRP_SOURCE: 'local' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/personen\[0\]\.burgerservicenummer \(line \d+\)/);
    expect(r.stderr).to.contain('nothing was changed');
  });

  it('says what to configure when the register is not the local one', function () {
    this.timeout(40_000);
    const dir = mkdtempSync(join(tmpdir(), 'vir-persons-'));
    const r = cli(['import-persons', join(dir, 'x.json')], { REGION_DATA_DIR: dir });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal('import-persons fills the local population register: set brp.source to "local" (REGION_BRP_SOURCE=local) first');
  });
});
