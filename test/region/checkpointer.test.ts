import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCheckpointer } from '../../region/store/checkpointer.js';
import { openDatabase } from '../../region/store/db.js';

describe('the background WAL checkpointer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vir-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never makes a transaction that reads and then writes fail as locked, under writes that never pause', async () => {
    const file = join(dir, 'steady.db');
    const db = openDatabase(file, ['CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, body BLOB)']);
    // A low mark, so the request connection's own checkpoints and restarts of the log happen often here.
    db.pragma('wal_autocheckpoint = 200');
    const last = db.prepare<[], { n: number | null }>('SELECT MAX(n) AS n FROM t');
    const insert = db.prepare('INSERT INTO t (n, body) VALUES (?, ?)');
    const body = Buffer.alloc(3000, 1);
    // As most of the index's transactions do: BEGIN (deferred), a read, then a write.
    const readThenWrite = db.transaction(() => insert.run((last.get()!.n ?? 0) + 1, body));
    const checkpointer = startCheckpointer(db, pino({ level: 'silent' }), { intervalMs: 2, syncFrames: 50 });
    let commits = 0;
    const failures: string[] = [];
    try {
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        for (let i = 0; i < 100; i++) {
          try {
            readThenWrite();
            commits++;
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await checkpointer.stop();
    }
    expect(failures.slice(0, 3), `${failures.length} of ${commits + failures.length} transactions failed`).to.deep.equal([]);
    expect(commits).to.be.above(1000);
    expect(last.get()!.n).to.equal(commits);
    expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
    db.close();
  });
});
