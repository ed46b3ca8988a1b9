import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './db.js';

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file, and fsyncs it, on the connection whose commit pushed the log past its mark
 * (WAL_AUTOCHECKPOINT_PAGES in db.ts): under load, every request of that group waits for the
 * copy and the fsync. A serving index has a worker thread with a connection of its own that
 * - copies the log every `intervalMs` (PASSIVE: it never blocks a writer or a reader), so that the
 *   request connection's own checkpoint at the mark finds at most one interval's frames to copy;
 * - flushes the database file (fdatasync) after every `syncFrames` frames it copied. SQLite syncs
 *   the database file only in a checkpoint that copied the whole log, which under steady writes is
 *   the request connection's at the mark: without this, that fsync flushed every page the worker
 *   had copied since the log last started over (benchmark 3: the longest waits of a registration
 *   57-82 ms; with it, 28-48 ms). An extra flush weakens nothing SQLite guarantees: the log is
 *   started over only after SQLite's own sync.
 * Measured and not kept (docs/performance.md): copying every 10 ms (waits of 17-33 ms, but 10-15%
 * more server CPU per registration over HTTP), and letting the worker start the log over itself
 * (RESTART holds the write lock while it copies and syncs what was committed meanwhile, 10-65 ms
 * under benchmark 3's writes, and the request connection waited in SQLite's busy handler).
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Dynamic imports: an eval worker runs as CommonJS or as ESM depending on the process's flags.
const WORKER = `
(async () => {
  const { workerData, parentPort } = await import('node:worker_threads');
  const { openSync, fdatasyncSync, closeSync } = await import('node:fs');
  const Database = (await import(workerData.sqlite)).default;
  const db = new Database(workerData.file);
  db.pragma('busy_timeout = 1000');
  const fd = openSync(workerData.file, 'r+');
  // Frames of the current log copied when the database file was last flushed.
  let synced = 0;
  const timer = setInterval(() => {
    try {
      // PASSIVE only: RESTART or TRUNCATE would hold the write lock while the request connection waits.
      const { checkpointed } = db.pragma('wal_checkpoint(PASSIVE)')[0];
      if (checkpointed < synced) synced = 0; // the log started over
      if (checkpointed - synced >= workerData.syncFrames) {
        fdatasyncSync(fd);
        synced = checkpointed;
      }
    } catch (err) {
      parentPort.postMessage({ error: String((err && err.message) || err) });
    }
  }, workerData.intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    closeSync(fd);
    db.close();
    parentPort.close();
  });
})();
`;

export function startCheckpointer(db: Db, log: Logger, { intervalMs = 50, syncFrames = 1_500 } = {}): Checkpointer {
  const sqlite = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { file: db.name, sqlite, intervalMs, syncFrames } });
  worker.unref();
  let reported = false;
  worker.on('message', (m: { error?: string }) => {
    if (m.error && !reported) {
      reported = true;
      log.warn({ err: m.error }, 'background WAL checkpoint failed; the request connection checkpoints itself');
    }
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'WAL checkpoint worker stopped'));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.ref(); // else a process with nothing else to do would end before the worker closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}
