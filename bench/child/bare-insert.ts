import Database from 'better-sqlite3';
import { NdjsonChunks, linesOf } from '../../region/services/bulk-import/ndjson.js';
import { childMain, memoryMiB } from '../lib/child.js';

/**
 * The baseline of the bulk import: the same file read the same way, each line parsed and
 * inserted as it is into a table without indexes, in one transaction, with the pragmas of the
 * product's database. No validation, no encryption, no matching: what Node and SQLite do on
 * this machine when nothing else is asked. Args: <dbFile> <file>
 */
await childMain(() => {
  const [dbFile, file] = process.argv.slice(2);
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE signals (id INTEGER PRIMARY KEY, bsn TEXT, birth_date TEXT, municipality TEXT, professional_id TEXT,
    registered_at TEXT, removal_date TEXT, removed_at TEXT, removal_reason TEXT)`);
  const insert = db.prepare('INSERT INTO signals (bsn, birth_date, municipality, professional_id, registered_at, removal_date, removed_at, removal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const started = performance.now();
  const reader = new NdjsonChunks(file);
  let rows = 0;
  db.transaction(() => {
    for (let chunk = reader.next(); chunk; chunk = reader.next()) {
      for (const { text } of linesOf(chunk)) {
        const s = JSON.parse(text) as Record<string, string | undefined>;
        insert.run(s.bsn, s.birthDate, s.municipality, s.professionalId, s.registeredAt, s.removalDate ?? null, s.removedAt ?? null, s.removalReason ?? null);
        rows++;
      }
    }
  })();
  reader.close();
  db.close();
  return { type: 'result', rows, ms: performance.now() - started, memory: memoryMiB() };
});
