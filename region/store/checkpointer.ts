import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './db.js';

/**
 * WAL checkpoints off the request path. SQLite copies the write-ahead log back into the database
 * file (and fsyncs it) every 1,000 pages, on the connection whose commit crossed that line: under
 * load, a request waits for the copy and the fsync (benchmark 1: ~40 µs of CPU per registration
 * and the worst latencies). A running index leaves that to a worker thread with a connection of
 * its own, which checkpoints every `intervalMs` (PASSIVE: it never blocks a writer or a reader).
 * The request connection keeps an automatic checkpoint at a far higher mark, so the log stays
 * bounded even if the worker stops.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

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
})().catch((err) => {
  throw err;
});
`;

export function startCheckpointer(db: Db, log: Logger, intervalMs = 100): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
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
      db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
