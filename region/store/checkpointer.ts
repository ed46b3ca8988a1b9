import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './db.js';

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file, and fsyncs it, on the connection whose commit pushed the log past its mark
 * (WAL_AUTOCHECKPOINT_PAGES in db.ts): under load, every request of that group waits for the
 * copy and the fsync (benchmark 1: groups of 50 registrations took 70-150 ms instead of 15-30
 * ms, about once a second, which made the p99). A serving index has a worker thread with a
 * connection of its own copy the log every `intervalMs` (PASSIVE: it never blocks a writer or a
 * reader), so that the request connection's own checkpoint at the mark finds at most one
 * interval's frames left to copy (and the log bounded if the worker stops).
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Dynamic imports: an eval worker runs as CommonJS or as ESM depending on the process's flags.
const WORKER = `
(async () => {
  const { workerData, parentPort } = await import('node:worker_threads');
  const Database = (await import(workerData.sqlite)).default;
  const db = new Database(workerData.file);
  db.pragma('busy_timeout = 1000');
  const timer = setInterval(() => {
    try {
      // PASSIVE only: RESTART or TRUNCATE would hold the write lock while waiting for readers, and a
      // transaction of the request connection that has read and then writes gets SQLITE_BUSY at
      // once (SQLite does not wait there, to avoid a deadlock). The log starts over when a commit
      // of the request connection finds it long enough (its own automatic checkpoint), which then
      // has only the last interval's frames left to copy.
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      parentPort.postMessage({ error: String((err && err.message) || err) });
    }
  }, workerData.intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
})();
`;

export function startCheckpointer(db: Db, log: Logger, { intervalMs = 50 } = {}): Checkpointer {
  const sqlite = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { file: db.name, sqlite, intervalMs } });
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
