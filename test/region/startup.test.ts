import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSN, call, setupArea, startTestRegion, TestClock } from '../helpers/region.js';

const ROOT = join(import.meta.dirname, '..', '..');

function startMain(env: Record<string, string>): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'region/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('regional index ready')) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out, ready };
}

describe('starting the regional index', () => {
  it('starts the demo with no configuration, and the README\'s curl commands register signals and show a match', async function () {
    this.timeout(40_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'vir-demo-'));
    const run = startMain({ REGION_DATA_DIR: dataDir, PORT: '0' });
    try {
      const banner = await run.ready;
      expect(banner).to.contain('development BSN keys in use');
      const keys = JSON.parse(readFileSync(join(dataDir, 'dev-keys.json'), 'utf8'));
      expect(Object.keys(keys)).to.deep.equal(['bsnEncryption', 'bsnIndex']);
      expect(statSync(join(dataDir, 'dev-keys.json')).mode & 0o777).to.equal(0o600);
      const exports = banner.split('\n').filter((l) => l.startsWith('export ')).join('\n');
      expect(exports).to.match(/export KEY_A=vir_\S+ PRO_A=\S+/);
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const block = /<!-- demo-curl:start -->\s*```bash\n([\s\S]*?)```/.exec(readme)![1];
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', `${exports}\n${block}`], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status, result.stderr).to.equal(0);
      const [first, second, matches, notices] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(first).to.include({ status: 'active', matchId: null });
      expect(second.matchId).to.be.a('string');
      expect(matches[0].id).to.equal(second.matchId);
      expect(matches[0].participants.find((p: { own: boolean }) => !p.own).professional.name).to.equal('Daan Bakker');
      expect(notices[0]).to.include({ kind: 'match', matchId: second.matchId });
      expect(run.output()).not.to.contain('111222333');
      // SIGTERM closes it cleanly: the last connection folds the WAL into the database file.
      const exited = new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)));
      run.child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(existsSync(join(dataDir, 'region.db-wal')), 'no write-ahead log left after a clean stop').to.equal(false);
    } finally {
      run.child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('finishes closing when the process has nothing else to do, leaving no write-ahead log', function () {
    this.timeout(30_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'vir-close-'));
    try {
      const script = `
        import { createRegion } from './region/create-region.ts';
        import { loadConfig } from './config/load.ts';
        const region = createRegion(loadConfig({}, { host: '127.0.0.1', port: 0, dataDir: ${JSON.stringify(dataDir)}, demo: true, log: { level: 'error' } }));
        await region.start();
        await region.close();
        console.log('closed');`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 25_000 });
      expect(r.stdout.trim(), r.stderr).to.equal('closed');
      expect(existsSync(join(dataDir, 'region.db-wal'))).to.equal(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production without real keys, with one line naming the key', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'region/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', REGION_MODE: 'production', REGION_DEMO: 'false' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).to.equal(1);
    expect(r.stderr.trim()).to.equal('config key keys.bsnEncryption: required in production (set REGION_BSN_ENCRYPTION_KEY)');
  });

  it('keeps its development keys across a restart, so stored signals still match', async () => {
    const clock = new TestClock();
    const first = await startTestRegion({}, clock);
    const area = await setupArea(first.baseUrl);
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    await call(first.baseUrl, 'POST', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId, body });
    await first.region.close();
    const second = await startTestRegion({ dataDir: first.dataDir }, clock);
    try {
      const r = await call(second.baseUrl, 'POST', '/api/v1/signals', { token: area.b.token, professionalId: area.b.professionalId, body });
      expect(r.status).to.equal(201);
      expect(r.body.matchId).to.be.a('string');
    } finally {
      await second.close();
    }
  });
});

describe('the files of a data folder', () => {
  it('are readable by their owner only: the folder it makes, the database and its write-ahead log, also when an older install left them open', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'vir-perm-'));
    const dataDir = join(parent, 'data');
    const t = await startTestRegion({ dataDir });
    try {
      await setupArea(t.baseUrl);
      const mode = (f: string) => statSync(f).mode & 0o777;
      expect(mode(dataDir)).to.equal(0o700);
      expect(mode(join(dataDir, 'region.db'))).to.equal(0o600);
      expect(mode(join(dataDir, 'region.db-wal'))).to.equal(0o600);
      await t.region.close();
      chmodSync(join(dataDir, 'region.db'), 0o644);
      const again = await startTestRegion({ dataDir });
      expect(mode(join(dataDir, 'region.db'))).to.equal(0o600);
      await again.region.close();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('the BSN keys of a data folder', () => {
  it('refuses to start with other keys than the folder was made with (a lost dev-keys.json, a shell without the production keys), naming the key', async () => {
    const clock = new TestClock();
    const first = await startTestRegion({}, clock);
    const area = await setupArea(first.baseUrl);
    const body = { bsn: BSN[0], birthDate: '2011-02-03', municipality: '0344', legalGroundConfirmed: true };
    expect((await call(first.baseUrl, 'POST', '/api/v1/signals', { token: area.a.token, professionalId: area.a.professionalId, body })).status).to.equal(201);
    await first.region.close();
    const keys = join(first.dataDir, 'dev-keys.json');
    renameSync(keys, `${keys}.kept`);
    const refused = await startTestRegion({ dataDir: first.dataDir }, clock).then(() => null, (e: Error) => e);
    expect(refused?.message).to.match(/^the BSN index key is not the one this data folder was made with: set REGION_BSN_ENCRYPTION_KEY and REGION_BSN_INDEX_KEY/);
    // A database made before the check keeps no check values: its own sealed BSNs decide.
    const db = new Database(join(first.dataDir, 'region.db'));
    db.exec('DELETE FROM key_check');
    db.close();
    expect((await startTestRegion({ dataDir: first.dataDir }, clock).then(() => null, (e: Error) => e))?.message).to.contain('is not the one this data folder was made with');
    renameSync(`${keys}.kept`, keys);
    const second = await startTestRegion({ dataDir: first.dataDir }, clock);
    try {
      const r = await call(second.baseUrl, 'POST', '/api/v1/signals', { token: area.b.token, professionalId: area.b.professionalId, body });
      expect(r.body.matchId).to.be.a('string');
    } finally {
      await second.close();
    }
  });
});

describe('the database schema', () => {
  it('refuses to open a database whose schema is newer than the software', async () => {
    const { openDatabase } = await import('../../region/store/db.js');
    const { REGION_MIGRATIONS } = await import('../../region/store/migrations.js');
    const dir = mkdtempSync(join(tmpdir(), 'vir-schema-'));
    const db = openDatabase(join(dir, 'region.db'), REGION_MIGRATIONS);
    db.pragma(`user_version = ${REGION_MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(join(dir, 'region.db'), REGION_MIGRATIONS)).to.throw(/newer than this software knows/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('empties, on upgrade, the history notices of archives destroyed before the upgrade and keeps those of archives still held', async () => {
    const { openDatabase } = await import('../../region/store/db.js');
    const { REGION_MIGRATIONS } = await import('../../region/store/migrations.js');
    const { default: Database } = await import('better-sqlite3');
    const dir = mkdtempSync(join(tmpdir(), 'vir-history-'));
    try {
      const file = join(dir, 'region.db');
      const old = new Database(file);
      const before = 11;
      for (const m of REGION_MIGRATIONS.slice(0, before)) old.exec(m);
      old.pragma(`user_version = ${before}`);
      old.exec(`
        INSERT INTO municipalities VALUES ('0344', 'Utrecht', 'C', 'c@example.org', '030', '2020-01-01T00:00:00Z');
        INSERT INTO institutions (id, name, category, created_at) VALUES ('i1', 'I', 'jeugdhulp', '2020-01-01T00:00:00Z');
        INSERT INTO professionals (id, institution_id, name, function, email, phone, authorised, created_at)
          VALUES ('p1', 'i1', 'P', 'F', 'p@example.org', '030', 1, '2020-01-01T00:00:00Z');
        INSERT INTO signals (id, municipality, professional_id, institution_id, status, registered_at, removed_at, removal_reason)
          VALUES ('destroyed', '0344', 'p1', 'i1', 'removed', '2020-01-01T10:00:00Z', '2021-01-01T10:00:00Z', 'risk-ended');
        INSERT INTO signals (id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, status, registered_at, removed_at, removal_reason, archive_until)
          VALUES ('held', 'k', x'00', '2030-01-01', '0344', 'p1', 'i1', 'archived', '2024-01-01T10:00:00Z', '2025-01-01T10:00:00Z', 'risk-ended', '2030-01-01');
        INSERT INTO notices (id, recipient_kind, recipient_id, kind, payload, created_at) VALUES
          ('n1', 'professional', 'p2', 'history', '{"professionalIds":["p1"],"archivedSignalId":"destroyed"}', '2021-02-01T10:00:00Z'),
          ('n2', 'professional', 'p2', 'history', '{"professionalIds":["p1"],"archivedSignalId":"held"}', '2025-02-01T10:00:00Z'),
          ('n3', 'professional', 'p2', 'match', '{"professionalIds":["p1"]}', '2025-02-01T10:00:00Z');
      `);
      old.close();
      const db = openDatabase(file, REGION_MIGRATIONS);
      // Emptied and marked withdrawn, not deleted (the mail queue reads notices by rowid).
      expect(db.prepare('SELECT id, kind, payload FROM notices ORDER BY id').all()).to.deep.equal([
        { id: 'n1', kind: 'history-withdrawn', payload: '{}' },
        { id: 'n2', kind: 'history', payload: '{"professionalIds":["p1"],"archivedSignalId":"held"}' },
        { id: 'n3', kind: 'match', payload: '{"professionalIds":["p1"]}' },
      ]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a new database with 4 KiB pages and leaves an existing one at its own page size', async () => {
    const { openDatabase, NEW_DATABASE_PAGE_SIZE } = await import('../../region/store/db.js');
    const { REGION_MIGRATIONS } = await import('../../region/store/migrations.js');
    const { default: Database } = await import('better-sqlite3');
    const dir = mkdtempSync(join(tmpdir(), 'vir-pages-'));
    try {
      expect(NEW_DATABASE_PAGE_SIZE).to.equal(4096);
      const fresh = openDatabase(join(dir, 'new.db'), REGION_MIGRATIONS);
      expect(fresh.pragma('page_size', { simple: true })).to.equal(4096);
      expect(fresh.pragma('journal_mode', { simple: true })).to.equal('wal');
      fresh.close();
      // A database made with other pages (as a development build of this product briefly did, with 8 KiB) keeps them and its data.
      const other = new Database(join(dir, 'other.db'));
      other.pragma('page_size = 8192');
      other.exec('CREATE TABLE kept (x TEXT); INSERT INTO kept VALUES (\'still here\')');
      other.close();
      const reopened = openDatabase(join(dir, 'other.db'), REGION_MIGRATIONS);
      expect(reopened.pragma('page_size', { simple: true })).to.equal(8192);
      expect(reopened.prepare('SELECT x FROM kept').pluck().get()).to.equal('still here');
      expect(reopened.pragma('integrity_check', { simple: true })).to.equal('ok');
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts the write-ahead log file back once the log starts over after a peak, such as an import while the region serves', async () => {
    const { openDatabase, NEW_DATABASE_PAGE_SIZE, WAL_SIZE_LIMIT_PAGES } = await import('../../region/store/db.js');
    const { REGION_MIGRATIONS } = await import('../../region/store/migrations.js');
    const dir = mkdtempSync(join(tmpdir(), 'vir-wal-'));
    const file = join(dir, 'region.db');
    const serving = openDatabase(file, REGION_MIGRATIONS);
    try {
      const limit = WAL_SIZE_LIMIT_PAGES * NEW_DATABASE_PAGE_SIZE;
      expect(serving.pragma('journal_size_limit', { simple: true })).to.equal(limit);
      // Another process's long transaction (the CLI's import while the region runs) writes all of it into the log.
      const importing = openDatabase(file, REGION_MIGRATIONS);
      const rows = Math.ceil(limit / 4000) + 3000;
      try {
        importing.exec('CREATE TABLE bulk (b BLOB)');
        const row = importing.prepare('INSERT INTO bulk VALUES (randomblob(4000))');
        importing.transaction(() => {
          for (let i = 0; i < rows; i++) row.run();
        })();
      } finally {
        importing.close();
      }
      const peak = statSync(`${file}-wal`).size;
      expect(peak).to.be.above(limit);
      // The serving region's checkpointer copies the log back (a passive checkpoint, as its worker does); its next write starts the log over.
      serving.pragma('wal_checkpoint(PASSIVE)');
      expect(statSync(`${file}-wal`).size, 'a checkpoint alone leaves the file as it is').to.equal(peak);
      serving.prepare('INSERT INTO bulk VALUES (randomblob(10))').run();
      expect(statSync(`${file}-wal`).size).to.be.at.most(limit);
      expect(serving.prepare('SELECT COUNT(*) FROM bulk').pluck().get(), 'nothing written is lost').to.equal(rows + 1);
      expect(serving.pragma('integrity_check', { simple: true })).to.equal('ok');
    } finally {
      serving.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('erases, on upgrade, the sealed events of outbox rows already delivered or dead, keeps the pending ones, and drops the unused index', async () => {
    const { openDatabase } = await import('../../region/store/db.js');
    const { REGION_MIGRATIONS } = await import('../../region/store/migrations.js');
    const dir = mkdtempSync(join(tmpdir(), 'vir-outbox-'));
    try {
      const file = join(dir, 'region.db');
      const before = openDatabase(file, REGION_MIGRATIONS.slice(0, 7));
      const insert = before.prepare("INSERT INTO outbox (event_id, signal_id, kind, payload, created_at, delivered_at, dead_at) VALUES (?, 's', 'registered', ?, '2026-01-01T00:00:00Z', ?, ?)");
      insert.run('delivered', Buffer.alloc(200, 1), '2026-01-01T00:00:01Z', null);
      insert.run('dead', Buffer.alloc(200, 2), null, '2026-01-01T00:00:01Z');
      insert.run('pending', Buffer.alloc(200, 3), null, null);
      before.close();
      const after = openDatabase(file, REGION_MIGRATIONS);
      const rows = after.prepare('SELECT event_id, payload FROM outbox ORDER BY seq').all() as { event_id: string; payload: Buffer }[];
      expect(rows.map((r) => [r.event_id, r.payload.length])).to.deep.equal([['delivered', 0], ['dead', 0], ['pending', 200]]);
      expect(rows[2].payload.equals(Buffer.alloc(200, 3))).to.equal(true);
      // The index no query used is gone (step 9), the table's own are there.
      expect(after.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name").pluck().all()).to.deep.equal(['outbox_pending', 'sqlite_autoindex_outbox_1']);
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
