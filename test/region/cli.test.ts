import Database from 'better-sqlite3';
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/load.js';
import { createRegion, REGION_DB_FILE } from '../../region/create-region.js';
import type { CovenantSetup } from '../../region/services/covenant-schemas.js';
import { REGION_MIGRATIONS } from '../../region/store/migrations.js';
import { call } from '../helpers/region.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE_FILE = join(ROOT, 'config', 'covenant.example.json');
const EXAMPLE = JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8')) as CovenantSetup;
const EXAMPLE_PROFESSIONALS = EXAMPLE.institutions.reduce((n, i) => n + i.professionals.length, 0);
const CHILD_TIMEOUT_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of an operator's shell, without anything that would configure a region. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(REGION_|NODE_ENV$|PORT$|HOST$|LOG_LEVEL$|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

/** Runs a command as a real child process, as an operator would, bounded by a timeout. */
function run(argv: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd, env, timeout: CHILD_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) {
        reject(new Error(`${argv.join(' ')} timed out after ${CHILD_TIMEOUT_MS} ms\n${stderr}`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the region operator CLI', function () {
  this.timeout(6 * CHILD_TIMEOUT_MS);
  let dir: string;
  let dataDir: string;

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...cleanEnv(),
    REGION_DATA_DIR: dataDir,
    REGION_DEMO: 'false',
    ...extra,
  });
  const region = (args: string[], extra: Record<string, string> = {}): Promise<Run> =>
    run(['--import', 'tsx', 'region/cli.ts', ...args], env(extra));
  const counts = async (): Promise<Record<string, number>> => {
    const r = await region(['status', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout).counts;
  };
  /** The one line a failing command printed, besides the development-key warning of the logger. */
  const failureLines = (r: Run): string[] => r.stderr.split('\n').filter((l) => l && !l.startsWith('{"level"'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vir-cli-'));
    dataDir = join(dir, 'data');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate creates the data folder and database and prints the schema version', async () => {
    const first = await region(['migrate']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(new RegExp(`^schema version ${REGION_MIGRATIONS.length} \\(${REGION_MIGRATIONS.length} migrations? applied\\)`));
    expect(existsSync(join(dataDir, REGION_DB_FILE))).to.equal(true);

    const again = await region(['migrate']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`^schema version ${REGION_MIGRATIONS.length} \\(already up to date\\)`));
  });

  it('imports the example covenant file, prints the new ids, and status then shows the counts', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    const imported = await region(['import-covenant', EXAMPLE_FILE]);
    expect(imported.code, imported.stderr).to.equal(0);
    for (const inst of EXAMPLE.institutions) {
      expect(imported.stdout).to.match(new RegExp(`institution [0-9a-f-]{36}  ${inst.name} \\(${inst.category}\\)`));
    }
    expect(imported.stdout.match(/professional [0-9a-f-]{36} /g)).to.have.length(EXAMPLE_PROFESSIONALS);

    expect(await counts()).to.deep.equal({
      municipalities: EXAMPLE.municipalities.length,
      institutions: EXAMPLE.institutions.length,
      authorisedProfessionals: EXAMPLE_PROFESSIONALS,
      activeSignals: 0,
      archivedSignals: 0,
      activeMatches: 0,
      unreadNotices: 0,
      auditEntries: EXAMPLE.municipalities.length + EXAMPLE.institutions.length + EXAMPLE_PROFESSIONALS,
    });
    const table = await region(['status']);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/^region +demo \(Convenantgebied Demo\)$/m);
    expect(table.stdout).to.match(new RegExp(`^data dir +${dataDir}$`, 'm'));
    expect(table.stdout).to.match(new RegExp(`^institutions +${EXAMPLE.institutions.length}$`, 'm'));
    expect(table.stdout).to.match(new RegExp(`^authorised professionals +${EXAMPLE_PROFESSIONALS}$`, 'm'));
  });

  it('rejects a setup file with a wrong category in the second institution, naming institutions.1.category, and imports nothing', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    const bad = structuredClone(EXAMPLE) as { institutions: { category: string }[] };
    bad.institutions[1].category = 'kapsalon';
    const file = join(dir, 'bad-covenant.json');
    writeFileSync(file, JSON.stringify(bad));

    const r = await region(['import-covenant', file]);
    expect(r.code).to.equal(1);
    const lines = failureLines(r);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('institutions.1.category: must be one of: veilig-thuis');
    expect(lines[0]).to.include('nothing was imported');
    expect(r.stderr).not.to.match(/\n\s+at /);
    expect(Object.values(await counts()).every((n) => n === 0)).to.equal(true);
  });

  it('aborts the whole import when one municipality already exists, keeping what was there', async () => {
    expect((await region(['import-covenant', EXAMPLE_FILE])).code).to.equal(0);
    const before = await counts();
    const second = {
      municipalities: [
        { code: '0296', name: 'Wijchen', checker: { name: 'Sanne Jacobs', email: 'toezicht@wijchen.example.org', phone: '024-5550000' } },
        EXAMPLE.municipalities[0],
      ],
      institutions: [{ name: 'Huisartsenpraktijk Voorbeeld', category: 'huisarts', professionals: [] }],
    };
    const file = join(dir, 'second.json');
    writeFileSync(file, JSON.stringify(second));

    const r = await region(['import-covenant', file]);
    expect(r.code).to.equal(1);
    expect(failureLines(r)).to.deep.equal([
      `import of ${file} aborted, nothing was imported: municipality ${EXAMPLE.municipalities[0].code} is already part of the covenant area`,
    ]);
    expect(await counts()).to.deep.equal(before);
  });

  it('rejects a setup file that is missing or not JSON with one line naming the file', async () => {
    const missing = await region(['import-covenant', join(dir, 'nope.json')]);
    expect(missing.code).to.equal(1);
    expect(failureLines(missing)).to.have.length(1);
    expect(failureLines(missing)[0]).to.match(/^cannot read .*nope\.json/);

    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "municipalities": [ ');
    const broken = await region(['import-covenant', file]);
    expect(broken.code).to.equal(1);
    expect(failureLines(broken)).to.have.length(1);
    expect(failureLines(broken)[0]).to.match(/broken\.json is not valid JSON/);

    // An empty setup is a mistake, not an import of nothing.
    for (const [content, message] of [
      ['null', 'must hold one JSON object with "municipalities" and/or "institutions"; nothing was imported'],
      ['{}', 'is not a valid covenant setup; nothing was imported: file: must hold at least one municipality or institution'],
    ]) {
      writeFileSync(file, content);
      const empty = await region(['import-covenant', file]);
      expect(empty.code, content).to.equal(1);
      expect(failureLines(empty)).to.deep.equal([`${file} ${message}`]);
    }
  });

  it('prints an admin token that the admin API of a region on the same data folder accepts', async () => {
    const r = await region(['create-admin-token', '--label', 'beheer']);
    expect(r.code, r.stderr).to.equal(0);
    const token = /^(viradm_\S+)$/m.exec(r.stdout)?.[1];
    expect(token, r.stdout).to.be.a('string');

    const server = createRegion(loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', demo: false, log: { level: 'silent' } }));
    try {
      const baseUrl = `http://127.0.0.1:${await server.start()}`;
      const ok = await call(baseUrl, 'GET', '/api/v1/admin/municipalities', { token });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.equal([]);
      const wrong = await call(baseUrl, 'GET', '/api/v1/admin/municipalities', { token: `${token}x` });
      expect(wrong.status).to.equal(401);
    } finally {
      await server.close();
    }
  });

  it('refuses an admin token label that holds a number that may be a BSN', async () => {
    const r = await region(['create-admin-token', '--label', 'jeugdige 111222333']);
    expect(r.code).to.equal(1);
    expect(failureLines(r)).to.deep.equal(['--label: holds a number that may be a BSN: leave it out']);
  });

  it('lists admin tokens and revokes one, which the running server refuses from its next request on', async () => {
    const created = await region(['create-admin-token', '--label', 'leverancier']);
    const id = /^admin token (\S+) \(leverancier\)/m.exec(created.stdout)?.[1];
    const token = /^(viradm_\S+)$/m.exec(created.stdout)?.[1];
    expect(id, created.stdout).to.be.a('string');
    const server = createRegion(loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', demo: false, log: { level: 'silent' } }));
    try {
      const baseUrl = `http://127.0.0.1:${await server.start()}`;
      expect((await call(baseUrl, 'GET', '/api/v1/admin/municipalities', { token })).status).to.equal(200);
      const listed = await region(['admin-tokens']);
      expect(listed.code, listed.stderr).to.equal(0);
      expect(listed.stdout).to.match(new RegExp(`^${id}  created \\S+  active  leverancier$`, 'm'));

      const revoked = await region(['revoke-admin-token', id!]);
      expect(revoked.code, revoked.stderr).to.equal(0);
      expect(revoked.stdout.trim()).to.equal(`admin token ${id} revoked; it is refused from the next request on`);
      expect((await call(baseUrl, 'GET', '/api/v1/admin/municipalities', { token })).status).to.equal(401);
      expect((await region(['admin-tokens'])).stdout).to.match(new RegExp(`^${id}  created \\S+  revoked \\S+  leverancier$`, 'm'));
      expect((await region(['revoke-admin-token', id!])).stdout).to.match(/was already revoked at/);
    } finally {
      await server.close();
    }
    const unknown = await region(['revoke-admin-token', 'no-such-id']);
    expect(unknown.code).to.equal(1);
    expect(failureLines(unknown)).to.deep.equal(['no admin token with id no-such-id (admin-tokens lists them)']);
    const audit = new Database(join(dataDir, REGION_DB_FILE), { readonly: true });
    try {
      expect(audit.prepare("SELECT action, object_id FROM audit_log WHERE action LIKE 'admin-token.%' ORDER BY seq").all()).to.deep.equal([
        { action: 'admin-token.create', object_id: id },
        { action: 'admin-token.revoke', object_id: id },
      ]);
    } finally {
      audit.close();
    }
  });

  it('verify-audit reports an intact chain, and after tampering names the first broken entry and exits 2', async () => {
    expect((await region(['import-covenant', EXAMPLE_FILE])).code).to.equal(0);
    const entries = EXAMPLE.municipalities.length + EXAMPLE.institutions.length + EXAMPLE_PROFESSIONALS;
    const intact = await region(['verify-audit']);
    expect(intact.code, intact.stderr).to.equal(0);
    expect(intact.stdout.trim()).to.equal(`audit log intact: ${entries} entries`);

    const db = new Database(join(dataDir, REGION_DB_FILE));
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3").run();
    db.close();

    const broken = await region(['verify-audit']);
    expect(broken.code).to.equal(2);
    expect(broken.stdout).to.match(/^audit log broken at entry 3\b/);
  });

  it('refuses a bad config value with one line naming the key, and exits 1', async () => {
    const r = await region(['status'], { PORT: 'abc' });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.deep.equal(['port (PORT): must be a whole number, got "abc"']);
    expect(r.stdout).to.equal('');

    const prod = await region(['migrate'], { REGION_MODE: 'production' });
    expect(prod.code).to.equal(1);
    expect(prod.stderr.trim().split('\n')).to.have.length(1);
    expect(prod.stderr).to.include('keys.bsnEncryption');
    expect(existsSync(dataDir)).to.equal(false);
  });

  it('status and verify-audit refuse a data folder without a database instead of creating one', async () => {
    for (const command of ['status', 'verify-audit']) {
      const r = await region([command]);
      expect(r.code, command).to.equal(1);
      expect(failureLines(r)).to.deep.equal([`no database at ${join(dataDir, REGION_DB_FILE)}: run "region migrate" first, or check REGION_DATA_DIR`]);
    }
    expect(existsSync(join(dataDir, REGION_DB_FILE))).to.equal(false);
  });

  it('status and verify-audit only read: they upgrade no schema under a running server and make no development keys', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    rmSync(join(dataDir, 'dev-keys.json'));
    const file = join(dataDir, REGION_DB_FILE);
    const setVersion = (v: number) => {
      const db = new Database(file);
      db.pragma(`user_version = ${v}`);
      db.close();
    };
    setVersion(REGION_MIGRATIONS.length - 1);
    for (const command of ['status', 'verify-audit']) {
      const r = await region([command]);
      expect(r.code, command).to.equal(1);
      expect(failureLines(r)).to.deep.equal([
        `the database at ${file} is at schema version ${REGION_MIGRATIONS.length - 1}, this software at ${REGION_MIGRATIONS.length}: upgrade it with "region migrate" (the server does so at start)`,
      ]);
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).to.equal(REGION_MIGRATIONS.length - 1);
    db.close();
    setVersion(REGION_MIGRATIONS.length);
    expect((await region(['status'])).code).to.equal(0);
    expect((await region(['verify-audit'])).stdout).to.match(/^audit log intact/);
    expect(existsSync(join(dataDir, 'dev-keys.json'))).to.equal(false);
  });

  it('status and verify-audit read a database whose first import was killed mid-way: its journal is rolled back first', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    const file = join(dataDir, REGION_DB_FILE);
    // As a killed first import leaves it (bulk-import/first-load.ts): a rollback journal, and pages of the transaction in the file.
    const killed = await run(['-e', `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = DELETE');
      db.pragma('cache_size = 5');
      db.exec('BEGIN');
      const put = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?)');
      for (let i = 0; i < 3000; i++) put.run('half-' + i, 'x'.repeat(500));
      process.kill(process.pid, 'SIGKILL');
    `], env());
    expect(killed.code).to.equal(null);
    expect(existsSync(`${file}-journal`)).to.equal(true);
    const status = await region(['status', '--json']);
    expect(status.code, status.stderr).to.equal(0);
    expect((await region(['verify-audit'])).stdout).to.match(/^audit log intact/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM sync_state WHERE key LIKE 'half-%'").pluck().get()).to.equal(0);
    db.close();
  });

  it('a kill of the region command stops the command itself: nothing goes on running in the background', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    // A file that takes a few seconds to read (its lines name nobody of the covenant area).
    const big = join(dir, `big-${process.pid}.ndjson`);
    const one = JSON.stringify({ bsn: '111222333', birthDate: '2012-05-04', municipality: '0344', professionalId: 'nobody', registeredAt: '2026-03-02T09:00:00+01:00' });
    writeFileSync(big, `${one}\n`.repeat(300_000));
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'region.mjs'), 'import-signals', big, '--workers', '0'], { env: env(), stdio: 'ignore' });
    // The processes whose command line names the file (read from /proc, as pgrep -f would).
    const running = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(big);
      } catch {
        return false;
      }
    });
    for (const until = Date.now() + 20_000; running().length === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    expect(running(), 'a process still reading the file').to.deep.equal([]);
  });

  it('says what is wrong when another process holds the database, or a folder is given for a file', async () => {
    expect((await region(['migrate'])).code).to.equal(0);
    const holder = new Database(join(dataDir, REGION_DB_FILE));
    try {
      holder.exec('BEGIN IMMEDIATE');
      const locked = await region(['create-admin-token', '--label', 'beheer']);
      expect(locked.code).to.equal(1);
      expect(failureLines(locked)).to.deep.equal([
        'the database is locked by another process that writes to it (an import-signals still running, most likely): nothing was changed; try again when it has finished (SQLITE_BUSY)',
      ]);
    } finally {
      holder.close();
    }
    const folder = await region(['import-signals', dir]);
    expect(folder.code).to.equal(1);
    expect(failureLines(folder)).to.deep.equal(['a folder was given where a file was expected (EISDIR)']);
  });

  it('the bin launcher runs the CLI from any working folder and passes on its exit code', async () => {
    const bin = join(ROOT, 'bin', 'region.mjs');
    const missing = await run([bin, 'status'], env(), dir);
    expect(missing.code).to.equal(1);
    expect(failureLines(missing)[0]).to.match(/^no database at /);

    const migrated = await run([bin, 'migrate'], env(), dir);
    expect(migrated.code, migrated.stderr).to.equal(0);
    expect(migrated.stdout).to.match(/^schema version \d+/);
  });
});
