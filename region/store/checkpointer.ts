import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { WAL_AUTOCHECKPOINT_PAGES, type Db } from './db.js';

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file, and fsyncs it, on the connection whose commit pushed the log past its mark
 * (WAL_AUTOCHECKPOINT_PAGES): under load, every request of that group waits for the copy and the
 * fsync (benchmark 1: groups of 50 registrations took 100-150 ms instead of 15-30 ms, a dozen
 * times in 10 s, which made the p99). A serving index leaves it to a worker thread with a
 * connection of its own, which checkpoints every `intervalMs` (PASSIVE: it never blocks a writer
 * or a reader). The request connection keeps its automatic checkpoint at that mark, so the log
 * stays bounded if the worker stops or falls behind.
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
  db.pragma('busy_timeout = 200');
  const timer = setInterval(() => {
    try {
      const [done] = db.pragma('wal_checkpoint(PASSIVE)');
      // Under steady writes the log is seldom all copied at the moment a write begins, the only
      // moment SQLite starts it over; it would grow to the request connection's mark, which then
      // checkpoints in a request. So once it is long, restart it here: what is left to copy after
      // the passive pass is little, so new writers wait only for that and one fsync.
      if (done && done.log >= workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
    } catch (err) {
      parentPort.postMessage({ error: String((err && err.message) || err) });
    }
  }, workerData.intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
})().catch((err) => {
  throw err;
});
`;

/** `restartFrames`: the log length at which the worker starts the log over (a quarter of the request connection's mark). */
export function startCheckpointer(db: Db, log: Logger, { intervalMs = 250, restartFrames = Math.floor(WAL_AUTOCHECKPOINT_PAGES / 4) } = {}): Checkpointer {
  const sqlite = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { file: db.name, sqlite, intervalMs, restartFrames } });
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
