import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startCheckpointer } from '../../region/store/checkpointer.js';
import { openDatabase } from '../../region/store/db.js';

/** How many frames the write-ahead log holds now, as another connection sees it. */
function walFrames(file: string): number {
  const other = new Database(file);
  try {
    // A passive checkpoint reports the log's length; nothing is left to copy by now, so it changes nothing.
    return (other.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0].log;
  } finally {
    other.close();
  }
}

describe('the background WAL checkpointer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vir-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the log over under writes that never pause, so it does not grow to the mark where a request would checkpoint', async () => {
    const file = join(dir, 'steady.db');
    const db = openDatabase(file, ['CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)']);
    // Only the worker may start the log over here: the request connection's own checkpoints are off.
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const body = Buffer.alloc(3000, 1);
    const checkpointer = startCheckpointer(db, pino({ level: 'silent' }), { intervalMs: 20, restartFrames: 200 });
    let commits = 0;
    try {
      // Commits back to back for a while (each a frame or two), yielding now and then so the test stays bounded.
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        for (let i = 0; i < 200; i++, commits++) insert.run(body);
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      await checkpointer.stop();
    }
    expect(commits, 'enough commits to need several restarts').to.be.above(2000);
    const frames = walFrames(file);
    db.close();
    expect(frames, `log length after ${commits} commits`).to.be.below(commits / 2);
  });
});
