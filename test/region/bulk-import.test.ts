import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportRejected } from '../../region/services/bulk-import.js';
import { IMPORT_NOTE_FILE, ImportRunningError, withImportNote } from '../../region/store/import-lock.js';
import { holdImport } from '../helpers/import-note.js';
import { BSN, call, setupArea, startTestRegion, validBsn, type Caller, type TestArea, type TestRegion } from '../helpers/region.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const SYSTEM = { kind: 'system' } as const;

interface Line {
  bsn?: unknown;
  birthDate?: unknown;
  municipality?: unknown;
  professionalId?: unknown;
  registeredAt?: unknown;
  removalDate?: unknown;
  removedAt?: unknown;
  removalReason?: unknown;
  [extra: string]: unknown;
}

describe('bulk import of signals (a supplier migrating a covenant area)', function () {
  this.timeout(60_000);
  let t: TestRegion;
  let area: TestArea;
  const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
  /** A signal of `who` on a youth, made in 2025 (the test clock stands at 2 March 2026). */
  const line = (who: Caller, bsn: string, extra: Line = {}): Line => ({
    bsn, birthDate: '2010-07-01', municipality: '0344', professionalId: who.professionalId, registeredAt: '2025-06-01T09:00:00+02:00', ...extra,
  });
  const file = (name: string, lines: (Line | string)[]): string => {
    const path = join(t.dataDir, name);
    writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return path;
  };
  const count = (sql: string): number => t.region.ctx.db.prepare(sql).pluck().get() as number;
  const notices = async (who: Caller) => (await call(t.baseUrl, 'GET', '/api/v1/notices', as(who))).body as any[];

  beforeEach(async () => {
    t = await startTestRegion();
    area = await setupArea(t.baseUrl);
  });
  afterEach(async () => t.close());

  it('imports a good file: its signals are active, and two professionals on one youth make a match', async () => {
    const report = t.region.bulkImport.importFile(SYSTEM, file('good.ndjson', [
      line(area.a, BSN[0], { removalDate: '2026-12-01' }),
      line(area.b, BSN[0]),
      line(area.c, BSN[1], { municipality: '0356' }),
    ]), { workers: 0 });

    expect(report).to.deep.include({ lines: 3, imported: { active: 2 + 1, archived: 0 }, matches: { created: 1, throughService: 0 } });
    const signalsOfA = (await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.a))).body;
    expect(signalsOfA).to.have.length(1);
    expect(signalsOfA[0]).to.include({ status: 'active', registeredAt: '2025-06-01T07:00:00.000Z', removalDate: '2026-12-01' });
    const matchesOfB = (await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.b))).body;
    expect(matchesOfB).to.have.length(1);
    expect(matchesOfB[0].id).to.equal(signalsOfA[0].matchId);
    expect(matchesOfB[0].participants.map((p: any) => p.professional.name).sort()).to.deep.equal(['Anna Alfa', 'Bea Beta']);
    // Without a removal date the legal term applies: two years from registration.
    const signalOfC = (await call(t.baseUrl, 'GET', '/api/v1/signals', as(area.c))).body[0];
    expect(signalOfC).to.include({ removalDate: '2027-06-01', matchId: null });
    // Foreign keys are not checked during the import; they hold all the same, and are checked again after it.
    expect(t.region.ctx.db.pragma('foreign_key_check')).to.deep.equal([]);
    expect(t.region.ctx.db.pragma('foreign_keys', { simple: true })).to.equal(1);
  });

  it('leaves nothing for a full matching pass to do, and the full pass makes matches that are missing', async () => {
    // Youths 0-59 are signalled five times by the four professionals (a match, and one repeat each); youths 60-99 once.
    const who = [area.a, area.a2, area.b, area.c];
    const lines = Array.from({ length: 340 }, (_, i) => {
      const youth = i < 300 ? i % 60 : i - 240;
      return line(who[(Math.floor(i / 60) + youth) % 4], validBsn(youth));
    });
    const report = t.region.bulkImport.importFile(SYSTEM, file('many.ndjson', lines), { workers: 0 });
    expect(report.matches.created).to.equal(60);
    expect(report.skipped.duplicates).to.equal(60);
    expect(t.region.bulkImport.matchAll(SYSTEM)).to.deep.equal({ created: 0, joined: 0 });

    const db = t.region.ctx.db;
    // Every signal in a match names that match, and only its own youth's: 240 signals (the 300 lines less the 60 repeats).
    expect(count('SELECT COUNT(*) FROM signals WHERE match_id IS NOT NULL')).to.equal(240);
    expect(count('SELECT COUNT(*) FROM signals s JOIN match_participants p ON p.signal_id = s.id AND p.match_id = s.match_id JOIN matches m ON m.id = s.match_id AND m.youth_key = s.youth_key')).to.equal(240);
    const before = db.prepare("SELECT youth_key, COUNT(*) AS n FROM match_participants p JOIN matches m ON m.id = p.match_id WHERE m.status = 'active' GROUP BY youth_key ORDER BY youth_key").all();
    db.exec('UPDATE signals SET match_id = NULL; DELETE FROM match_participants; DELETE FROM matches;');
    // Seven youths at a time: nine slices, each with matches to make.
    expect(t.region.bulkImport.matchAll(SYSTEM, { slice: 7 })).to.deep.equal({ created: report.matches.created, joined: 0 });
    const after = db.prepare("SELECT youth_key, COUNT(*) AS n FROM match_participants p JOIN matches m ON m.id = p.match_id WHERE m.status = 'active' GROUP BY youth_key ORDER BY youth_key").all();
    expect(after).to.deep.equal(before);
    expect(db.prepare("SELECT COUNT(*) FROM signals s WHERE status = 'active' AND match_id IS NULL AND EXISTS (SELECT 1 FROM matches m WHERE m.youth_key = s.youth_key AND m.status = 'active')").pluck().get()).to.equal(0);
  });

  it('sends no notices for matches among imported signals', async () => {
    t.region.bulkImport.importFile(SYSTEM, file('good.ndjson', [line(area.a, BSN[0]), line(area.b, BSN[0])]), { workers: 0 });
    expect(await notices(area.a)).to.deep.equal([]);
    expect(await notices(area.b)).to.deep.equal([]);
  });

  it('refuses a file that holds no signals (empty, or blank lines only), saying so', async () => {
    for (const content of [[], ['', '   ', '']]) {
      expect(() => t.region.bulkImport.importFile(SYSTEM, file('empty.ndjson', content), { workers: 0 })).to.throw('the file holds no signals (it is empty, or blank lines only): nothing was imported');
    }
    expect(count("SELECT COUNT(*) FROM audit_log WHERE action = 'signal.import' AND outcome = 'rejected:EMPTY_FILE'")).to.equal(2);
  });

  it('never shows back a BSN typed into another field of a bad line', async () => {
    const misplaced = file('misplaced.ndjson', [line(area.a, BSN[0], { municipality: BSN[1] }), { ...line(area.a, BSN[2]), [BSN[3]]: 'x' }]);
    try {
      t.region.bulkImport.importFile(SYSTEM, misplaced, { workers: 0 });
      expect.fail('the file was imported');
    } catch (err) {
      const messages = (err as ImportRejected).problems.map((p) => p.message);
      expect(messages).to.deep.equal(['municipality ********* is not part of this covenant area', 'line: unknown field(s) ********* (only the fields the law allows are accepted)']);
    }
  });

  it('reports every bad line with its line number, and imports nothing from a bad file', async () => {
    const path = file('bad.ndjson', [
      line(area.a, BSN[0]),
      line(area.b, BSN[0]),
      line(area.a, '123456789'),
      '',
      '{"bsn": "111222333", ',
      line(area.a, BSN[1], { municipality: '9999' }),
      line(area.a, BSN[2], { registeredAt: '2025-06-01' }),
      line(area.a, BSN[3], { risk: 'a' }),
    ]);
    let rejected: ImportRejected | null = null;
    try {
      t.region.bulkImport.importFile(SYSTEM, path, { workers: 0 });
    } catch (err) {
      rejected = err as ImportRejected;
    }
    expect(rejected).to.be.instanceOf(ImportRejected);
    expect(rejected!.problemCount).to.equal(5);
    expect(rejected!.problems.map((p) => [p.line, p.code])).to.deep.equal([
      [3, 'INVALID_BSN'],
      [5, 'NOT_JSON'],
      [6, 'UNKNOWN_MUNICIPALITY'],
      [7, 'VALIDATION_ERROR'],
      [8, 'VALIDATION_ERROR'],
    ]);
    expect(rejected!.problems[3].message).to.match(/registeredAt/);
    expect(rejected!.problems[4].message).to.match(/unknown field\(s\) risk/);
    expect(count('SELECT COUNT(*) FROM signals')).to.equal(0);
    expect(count('SELECT COUNT(*) FROM matches')).to.equal(0);
    const audit = t.region.ctx.db.prepare("SELECT outcome, detail FROM audit_log WHERE action = 'signal.import'").all() as { outcome: string; detail: string }[];
    expect(audit).to.have.length(1);
    expect(audit[0].outcome).to.equal('rejected:IMPORT_REJECTED');
    expect(JSON.parse(audit[0].detail)).to.include({ lines: 8, badLines: 5 });
  });

  it('reads a file with a byte-order mark and CRLF line ends, and refuses one with a line over 64 KiB, naming the line', async () => {
    const crlf = join(t.dataDir, 'crlf.ndjson');
    writeFileSync(crlf, '\uFEFF' + [line(area.a, BSN[0]), line(area.b, BSN[0])].map((l) => JSON.stringify(l)).join('\r\n') + '\r\n');
    expect(t.region.bulkImport.importFile(SYSTEM, crlf, { workers: 0 }).imported.active).to.equal(2);
    const long = file('long.ndjson', [line(area.c, BSN[1]), JSON.stringify({ bsn: 'x'.repeat(70_000) })]);
    expect(() => t.region.bulkImport.importFile(SYSTEM, long, { workers: 0 })).to.throw(ImportRejected).with.property('problems').deep.equal([
      { line: 2, code: 'LINE_TOO_LONG', message: 'the line is longer than 64 KiB: a signal is one short JSON object' },
    ]);
    const endless = file('endless.ndjson', [line(area.c, BSN[1]), 'x'.repeat(3 << 20)]);
    expect(() => t.region.bulkImport.importFile(SYSTEM, endless, { workers: 0 })).to.throw(/line 2 is longer than 64 KiB/);
    // A huge file (here 100 GB, sparse) is judged by its lines, not refused by the memory its size would suggest.
    const huge = join(t.dataDir, 'huge.ndjson');
    writeFileSync(huge, '');
    truncateSync(huge, 100 * 2 ** 30);
    expect(() => t.region.bulkImport.importFile(SYSTEM, huge, { workers: 0 })).to.throw(/line 1 is longer than 64 KiB/);
    expect(count("SELECT COUNT(*) FROM signals WHERE professional_id = '" + area.c.professionalId + "'")).to.equal(0);
  });

  it('judges each signal on its own history: the youth under 23 when it was made, and a removal date the law allows', async () => {
    const path = file('history.ndjson', [
      // Made over two years ago and extended since: allowed up to two years from today.
      line(area.a, BSN[0], { birthDate: '2004-01-01', registeredAt: '2023-12-01T10:00:00+01:00', removalDate: '2026-06-01' }),
      line(area.a, BSN[1], { birthDate: '2001-01-01', registeredAt: '2024-12-01T10:00:00+01:00' }),
      line(area.a, BSN[2], { birthDate: '2025-09-01' }),
      line(area.a, BSN[3], { removalDate: '2028-03-03' }),
      line(area.a, BSN[4], { registeredAt: '2026-03-05T10:00:00+01:00' }),
      // Later today (the clock says 10:00): the future too.
      line(area.b, BSN[0], { registeredAt: '2026-03-02T18:00:00+01:00' }),
      line(area.b, BSN[1], { registeredAt: '2026-03-01T10:00:00+01:00', removedAt: '2026-03-02T11:00:00+01:00', removalReason: 'risk-ended' }),
    ]);
    try {
      t.region.bulkImport.importFile(SYSTEM, path, { workers: 0 });
      expect.fail('the file was imported');
    } catch (err) {
      expect((err as ImportRejected).problems.map((p) => [p.line, p.code])).to.deep.equal([
        [2, 'TOO_OLD'],
        [3, 'BIRTH_DATE_AFTER_REGISTRATION'],
        [4, 'REMOVAL_DATE_TOO_LATE'],
        [5, 'REGISTERED_IN_FUTURE'],
        [6, 'REGISTERED_IN_FUTURE'],
        [7, 'REMOVED_IN_FUTURE'],
      ]);
    }
  });

  it('archives as expired an active signal whose removal date has come, from that date (7.1.4.6); skips and lists one removed at 23 or past its archive, and a repeat', async () => {
    const report = t.region.bulkImport.importFile(SYSTEM, file('old.ndjson', [
      line(area.a, BSN[0]),
      line(area.a, BSN[1], { registeredAt: '2023-01-10T10:00:00+01:00' }),
      line(area.a, BSN[2], { removalDate: '2026-03-02' }),
      line(area.a, BSN[3], { registeredAt: '2019-01-10T10:00:00+01:00', removedAt: '2020-01-10T10:00:00+01:00', removalReason: 'expired' }),
      line(area.a, BSN[0], { registeredAt: '2025-09-01T09:00:00+02:00' }),
      // Its term ended on the 23rd birthday: removed then, without archive.
      line(area.b, BSN[4], { birthDate: '2003-02-01', registeredAt: '2025-01-10T10:00:00+01:00' }),
    ]), { workers: 0 });
    expect(report.imported).to.deep.equal({ active: 1, archived: 2 });
    expect(report.skipped).to.deep.equal({
      removalDatePassed: 1, archiveEnded: 1, duplicates: 1,
      listed: [
        { line: 4, reason: 'archive-ended' },
        { line: 5, reason: 'duplicate' },
        { line: 6, reason: 'removal-date-passed' },
      ],
    });
    expect(count("SELECT COUNT(*) FROM signals WHERE status = 'active'")).to.equal(1);
    const archived = t.region.ctx.db.prepare("SELECT removal_reason, substr(removed_at, 1, 10) AS removed_on, archive_until FROM signals WHERE status = 'archived' ORDER BY rowid").all();
    expect(archived).to.deep.equal([
      { removal_reason: 'expired', removed_on: '2025-01-10', archive_until: '2030-01-10' },
      { removal_reason: 'expired', removed_on: '2026-03-02', archive_until: '2031-03-02' },
    ]);
    // The archive tells the next professional who signals the youth, once (7.1.4.6).
    await call(t.baseUrl, 'POST', '/api/v1/signals', { token: area.b.token, professionalId: area.b.professionalId, body: { bsn: BSN[1], birthDate: '2010-07-01', municipality: '0344', legalGroundConfirmed: true } });
    const history = (await call(t.baseUrl, 'GET', '/api/v1/notices', { token: area.b.token, professionalId: area.b.professionalId })).body.filter((n: { kind: string }) => n.kind === 'history');
    expect(history).to.have.length(1);
  });

  it('skips an archived signal the file repeats, or that a file imported before brought, so that the next professional is told once', async () => {
    const archived = line(area.a, BSN[1], { registeredAt: '2024-01-10T10:00:00+01:00', removedAt: '2025-01-10T10:00:00+01:00', removalReason: 'risk-ended' });
    const path = file('mixed.ndjson', [line(area.a, BSN[0]), archived, line(area.b, BSN[0]), archived]);
    const first = t.region.bulkImport.importFile(SYSTEM, path, { workers: 0 });
    expect(first.imported).to.deep.equal({ active: 2, archived: 1 });
    expect(first.skipped).to.deep.include({ duplicates: 1 });
    const again = t.region.bulkImport.importFile(SYSTEM, path, { workers: 0 });
    expect(again.imported).to.deep.equal({ active: 0, archived: 0 });
    expect(again.skipped).to.deep.include({ duplicates: 4 });
    expect(count("SELECT COUNT(*) FROM signals WHERE status = 'archived'")).to.equal(1);
    await call(t.baseUrl, 'POST', '/api/v1/signals', { token: area.c.token, professionalId: area.c.professionalId, body: { bsn: BSN[1], birthDate: '2010-07-01', municipality: '0344', legalGroundConfirmed: true } });
    const history = (await call(t.baseUrl, 'GET', '/api/v1/notices', { token: area.c.token, professionalId: area.c.professionalId })).body.filter((n: { kind: string }) => n.kind === 'history');
    expect(history).to.have.length(1);
  });

  it('keeps every BSN encrypted: no BSN in the database file, and the sealed BSN opens with the region\'s key', async () => {
    t.region.bulkImport.importFile(SYSTEM, file('good.ndjson', [line(area.a, BSN[0]), line(area.b, BSN[1])]), { workers: 0 });
    t.region.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const name of readdirSync(t.dataDir).filter((n) => n.startsWith('region.db'))) {
      const bytes = readFileSync(join(t.dataDir, name)).toString('latin1');
      expect(bytes, name).not.to.contain(BSN[0]);
      expect(bytes, name).not.to.contain(BSN[1]);
    }
    const rows = t.region.ctx.db.prepare('SELECT youth_key, bsn_sealed FROM signals ORDER BY rowid').all() as { youth_key: string; bsn_sealed: Buffer }[];
    expect(rows.map((r) => t.region.ctx.vault.open(r.bsn_sealed))).to.deep.equal([BSN[0], BSN[1]]);
    expect(rows.map((r) => r.youth_key)).to.deep.equal([t.region.ctx.vault.youthKey(BSN[0]), t.region.ctx.vault.youthKey(BSN[1])]);
  });

  it('seals the same way in worker threads as in the importing thread', async () => {
    const report = t.region.bulkImport.importFile(SYSTEM, file('good.ndjson', [line(area.a, BSN[0]), line(area.b, BSN[0]), line(area.c, BSN[1])]), { workers: 2 });
    expect(report.workers, t.logLines.filter((l) => l.includes('workers')).join('\n')).to.equal(2);
    expect(report.imported.active).to.equal(3);
    expect(report.matches.created).to.equal(1);
    const rows = t.region.ctx.db.prepare('SELECT youth_key, bsn_sealed FROM signals ORDER BY rowid').all() as { youth_key: string; bsn_sealed: Buffer }[];
    expect(rows.map((r) => t.region.ctx.vault.open(r.bsn_sealed))).to.deep.equal([BSN[0], BSN[0], BSN[1]]);
    expect(rows[0].youth_key).to.equal(t.region.ctx.vault.youthKey(BSN[0]));
  });

  for (const archivedAt of [null, 20]) {
    it(`leaves the schema as it was and every index whole, after an import of ${archivedAt === null ? 'active signals only' : 'active and archived signals'}`, () => {
      const db = t.region.ctx.db;
      // ANALYZE adds its statistics tables; nothing else may differ.
      const schema = () => db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_stat%' ORDER BY name").all();
      const before = schema();
      const lines = Array.from({ length: 50 }, (_, i) => line([area.a, area.b][i % 2], validBsn(i % 25), i === archivedAt
        ? { registeredAt: '2024-01-10T10:00:00+01:00', removedAt: '2025-01-10T10:00:00+01:00', removalReason: 'risk-ended' }
        : {}));
      const report = t.region.bulkImport.importFile(SYSTEM, file('whole.ndjson', lines), { workers: 0 });
      expect(report.imported).to.deep.equal({ active: archivedAt === null ? 50 : 49, archived: archivedAt === null ? 0 : 1 });
      expect(schema()).to.deep.equal(before);
      expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
      expect(db.prepare("SELECT COUNT(*) FROM signals INDEXED BY signals_archive_due WHERE status = 'archived' AND archive_until > ''").pluck().get())
        .to.equal(archivedAt === null ? 0 : 1);
    });
  }

  it('imports archived signals into the archive: a new signal on that youth brings the history notice', async () => {
    const report = t.region.bulkImport.importFile(SYSTEM, file('archive.ndjson', [
      line(area.b, BSN[0], { registeredAt: '2024-01-10T10:00:00+01:00', removedAt: '2025-01-10T10:00:00+01:00', removalReason: 'risk-ended' }),
    ]), { workers: 0 });
    expect(report.imported).to.deep.equal({ active: 0, archived: 1 });
    const r = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: { bsn: BSN[0], birthDate: '2010-07-01', municipality: '0344', legalGroundConfirmed: true } });
    expect(r.status).to.equal(201);
    expect(r.body.matchId).to.equal(null);
    const [history] = await notices(area.a);
    expect(history).to.include({ kind: 'history' });
    expect(history.archivedSignal).to.deep.equal({ registeredAt: '2024-01-10T09:00:00.000Z', removedAt: '2025-01-10T09:00:00.000Z' });
  });

  it('matches an imported signal with a signal already in the region like a registration, notices included', async () => {
    const registered = await call(t.baseUrl, 'POST', '/api/v1/signals', { ...as(area.a), body: { bsn: BSN[0], birthDate: '2010-07-01', municipality: '0344', legalGroundConfirmed: true } });
    expect(registered.status).to.equal(201);
    const report = t.region.bulkImport.importFile(SYSTEM, file('more.ndjson', [line(area.b, BSN[0]), line(area.a, BSN[0]), line(area.c, BSN[0])]), { workers: 0 });
    expect(report.matches).to.deep.equal({ created: 0, throughService: 1 });
    expect(report.skipped.listed).to.deep.equal([{ line: 2, reason: 'duplicate' }]);
    const [na] = await notices(area.a);
    expect(na.kind).to.equal('match');
    expect(na.professionals.map((p: any) => p.name).sort()).to.deep.equal(['Bea Beta', 'Cas Gamma']);
    const match = (await call(t.baseUrl, 'GET', '/api/v1/matches', as(area.c))).body[0];
    expect(match.participants).to.have.length(3);
  });

  it('audits one entry per batch and one for the import, naming the file by its SHA-256, and the chain stays intact', async () => {
    const report = t.region.bulkImport.importFile(SYSTEM, file('good.ndjson', [line(area.a, BSN[0]), line(area.b, BSN[0])]), { workers: 0 });
    const rows = t.region.ctx.db.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'signal.import%' ORDER BY seq").all() as { action: string; detail: string }[];
    expect(rows.map((r) => r.action)).to.deep.equal(['signal.import-batch', 'signal.import']);
    expect(JSON.parse(rows[0].detail)).to.deep.equal({ lines: [1, 2], signals: 2, firstSignalId: report.ids.first, lastSignalId: report.ids.last });
    expect(JSON.parse(rows[1].detail)).to.include({ sha256: report.sha256, lines: 2 });
    expect(rows.map((r) => r.detail).join()).not.to.contain(BSN[0]);
    expect(t.region.ctx.audit.verify().ok).to.equal(true);
  });

  it('audits a second import of the same signals as repeats skipped, naming no signal it did not write', async () => {
    const lines = [line(area.a, BSN[0]), line(area.b, BSN[0])];
    t.region.bulkImport.importFile(SYSTEM, file('first.ndjson', lines), { workers: 0 });
    const again = t.region.bulkImport.importFile(SYSTEM, file('again.ndjson', lines), { workers: 0 });
    expect(again.imported).to.deep.equal({ active: 0, archived: 0 });
    expect(again.ids).to.deep.equal({ first: null, last: null });
    const batch = t.region.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'signal.import-batch' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(batch)).to.deep.equal({ lines: [1, 2], signals: 0, repeatsSkipped: 2, firstSignalId: null, lastSignalId: null });
  });

  it('region import-signals prints the report, and names each bad line on stderr with exit code 1', async () => {
    const env = { ...process.env, REGION_DATA_DIR: t.dataDir, REGION_DEMO: 'false', LOG_LEVEL: 'warn', NODE_OPTIONS: '' };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'region/cli.ts', 'import-signals', ...args], { cwd: ROOT, env, timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
      });
    const bad = await run([file('bad.ndjson', [line(area.a, BSN[0]), line(area.a, '123')]), '--workers', '0']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('refused, nothing was imported: 1 of 2 lines are not valid signals');
    expect(bad.stderr).to.contain('line 2: INVALID_BSN');
    for (const workers of ['', '0x2', '17']) {
      const odd = await run([file('one.ndjson', [line(area.a, BSN[0])]), '--workers', workers]);
      expect(odd.code, workers).to.equal(1);
      expect(odd.stderr, workers).to.match(/--workers: must be (a whole number from 0 to 16|at most 16)/);
    }
    const good = await run([file('good.ndjson', [line(area.a, BSN[0]), line(area.b, BSN[0])])]);
    expect(good.code, good.stderr).to.equal(0);
    expect(good.stdout).to.match(/^imported .*good\.ndjson: 2 lines, 2 active signals and 0 archived signals; 1 match made without notices/);
    expect(count("SELECT COUNT(*) FROM matches WHERE status = 'active'")).to.equal(1);
    expect(existsSync(join(t.dataDir, IMPORT_NOTE_FILE)), 'the import leaves no note behind').to.equal(false);
  });

  it('while an operator\'s import runs, the server refuses at once what needs the database, in the API and the portal, and /health answers', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 600)); // the server looks at the note twice a second
    const registration = { token: area.a.token, professionalId: area.a.professionalId, body: { bsn: BSN[0], birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } };
    const importing = await holdImport(t.dataDir);
    try {
      await pause();
      const r = await call(t.baseUrl, 'POST', '/api/v1/signals', registration);
      expect(r.status).to.equal(503);
      expect(r.headers.get('retry-after')).to.equal('30');
      expect(r.body.error.code).to.equal('BUSY');
      expect(r.body.error.message).to.contain("an operator's import (import-signals");
      const page = await fetch(`${t.baseUrl}/portal/`);
      expect(page.status).to.equal(503);
      expect(await page.text()).to.contain('De verwijsindex verwerkt nu een import van meldingen');
      expect((await fetch(`${t.baseUrl}/health`)).status).to.equal(200);
      // A second import waits for nothing: it says another one runs, and leaves the first one's note alone.
      expect(() => withImportNote(t.dataDir, 'import-signals', () => 0)).to.throw(ImportRunningError, `process ${importing.pid}`);
      expect(existsSync(join(t.dataDir, IMPORT_NOTE_FILE))).to.equal(true);
    } finally {
      await importing.release();
    }
    await pause();
    expect((await call(t.baseUrl, 'POST', '/api/v1/signals', registration)).status).to.equal(201);
  });

  it('pays no heed to a note whose import no longer holds the database: its process gone, or its pid now the server\'s own', async () => {
    const note = join(t.dataDir, IMPORT_NOTE_FILE);
    const pause = () => new Promise((r) => setTimeout(r, 600));
    const registration = (bsn: string) => ({ token: area.a.token, professionalId: area.a.professionalId, body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true } });
    const gone = await new Promise<number>((resolve) => { const c = execFile(process.execPath, ['-e', '0'], () => resolve(c.pid!)); });
    for (const [pid, bsn] of [[gone, BSN[0]], [process.pid, BSN[1]], [1, BSN[2]]] as const) {
      writeFileSync(note, JSON.stringify({ pid, command: 'import-signals', startedAt: '2026-03-02T09:00:00.000Z' }));
      await pause();
      expect((await call(t.baseUrl, 'POST', '/api/v1/signals', registration(bsn))).status, `pid ${pid}`).to.equal(201);
    }
  });
});
