import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BsnVault } from '../../crypto/bsn-vault.js';
import type { BsnKeys } from '../../crypto/keys.js';
import type { CalendarDate } from '../../domain/calendar.js';
import type { LineChunk } from './ndjson.js';
import { createPreparer, type ImportReferences, type PreparedChunk } from './prepare.js';

/**
 * Where chunks are prepared: in worker threads while the importing thread writes the previous
 * chunks to SQLite, and in the importing thread itself whenever the next chunk is not ready yet
 * (preparing costs more than writing, so on two cores the importing thread would otherwise
 * wait half the time); or all in the importing thread. The importing thread stays synchronous:
 * it waits for a worker's answer with Atomics.wait and takes it with receiveMessageOnPort, so
 * the whole import runs inside one better-sqlite3 transaction (which takes only synchronous
 * functions) and is all or nothing. Chunks come out in the order of the file, whoever prepared
 * them.
 */
export interface ChunkPipeline {
  /** The next chunk of the file, prepared; null after the last. */
  next(): PreparedChunk | null;
  close(): void;
  /** Worker threads in use (0: inline). */
  readonly workers: number;
}

/** Where the pipeline reads its chunks: the next chunk of the file, or null at its end. */
export type ChunkSource = () => LineChunk | null;

export interface PrepareSetup {
  refs: ImportReferences;
  today: CalendarDate;
  /** The moment of the import: no signal in the file may be made or removed after it. */
  nowMs: number;
  timeZone: string;
}

export function inlinePipeline(setup: PrepareSetup, vault: BsnVault, source: ChunkSource): ChunkPipeline {
  const preparer = createPreparer(setup.refs, vault, setup.today, setup.timeZone, setup.nowMs);
  return {
    next() {
      const chunk = source();
      return chunk && preparer.prepare(chunk);
    },
    close: () => {},
    workers: 0,
  };
}

/** What a worker is started with (worker.ts). */
export interface WorkerSetup extends PrepareSetup {
  keys: BsnKeys;
  signal: SharedArrayBuffer;
  slot: number;
  results: MessagePort;
}

export type WorkerAnswer = { chunk: PreparedChunk } | { probe: { youthKey: string; sealed: Uint8Array } } | { failure: string };

/** A worker that says nothing for this long is taken to have died. */
const SILENCE_MS = 120_000;
/** The probe every worker seals first, to prove it uses the same keys as the region's vault. */
export const PROBE_BSN = '111222333';
/** Chunks handed to each worker ahead of the one the importing thread waits for. */
const AHEAD_PER_WORKER = 4;
/** Chunks the importing thread may hold prepared by itself while it waits for a worker's. */
const MAX_PREPARED_INLINE = 2;

export function workerPipeline(setup: PrepareSetup, keys: BsnKeys, vault: BsnVault, count: number, source: ChunkSource): ChunkPipeline {
  const signal = new SharedArrayBuffer(4 * count);
  const counters = new Int32Array(signal);
  const seen = new Array<number>(count).fill(0);
  const workers: { worker: Worker; results: MessagePort }[] = [];
  const preparer = createPreparer(setup.refs, vault, setup.today, setup.timeZone, setup.nowMs);
  /** In the order of the file: a chunk a worker prepares (its slot), or one this thread prepared. */
  const queue: ({ slot: number } | { ready: PreparedChunk })[] = [];
  let submitted = 0;
  let inFlight = 0;
  let readyInline = 0;
  let ended = false;

  function answerOf(message: { message: unknown }, slot: number): WorkerAnswer {
    seen[slot]++;
    const answer = message.message as WorkerAnswer;
    if ('failure' in answer) throw new Error(`bulk import worker failed: ${answer.failure}`);
    return answer;
  }

  function receive(slot: number): WorkerAnswer {
    const { results } = workers[slot];
    const since = Date.now();
    for (;;) {
      const message = receiveMessageOnPort(results);
      if (message) return answerOf(message, slot);
      if (Date.now() - since > SILENCE_MS) throw new Error(`bulk import worker ${slot} gave no answer for ${SILENCE_MS / 1000} s`);
      Atomics.wait(counters, slot, seen[slot], 1_000);
    }
  }

  function read(): LineChunk | null {
    if (ended) return null;
    const chunk = source();
    if (!chunk) ended = true;
    return chunk;
  }

  function fill(): void {
    while (inFlight < count * AHEAD_PER_WORKER) {
      const chunk = read();
      if (!chunk) return;
      const slot = submitted++ % count;
      // The chunk's bytes are copied into a buffer of their own, so that they can be transferred.
      const bytes = new Uint8Array(chunk.bytes);
      workers[slot].worker.postMessage({ firstLine: chunk.firstLine, lineCount: chunk.lineCount, bytes }, [bytes.buffer]);
      queue.push({ slot });
      inFlight++;
    }
  }

  function chunkOf(answer: WorkerAnswer): PreparedChunk {
    if (!('chunk' in answer)) throw new Error('bulk import worker answered out of turn');
    inFlight--;
    return answer.chunk;
  }

  const pipeline: ChunkPipeline = {
    workers: count,
    next() {
      fill();
      for (;;) {
        const head = queue[0];
        if (!head) return null;
        if ('ready' in head) {
          queue.shift();
          readyInline--;
          return head.ready;
        }
        const message = receiveMessageOnPort(workers[head.slot].results);
        if (message) {
          queue.shift();
          return chunkOf(answerOf(message, head.slot));
        }
        // The worker is not done: rather than wait, prepare the next chunk of the file here.
        const chunk = readyInline < MAX_PREPARED_INLINE ? read() : null;
        if (chunk) {
          queue.push({ ready: preparer.prepare(chunk) });
          readyInline++;
          continue;
        }
        queue.shift();
        return chunkOf(receive(head.slot));
      }
    },
    close() {
      for (const { worker, results } of workers) {
        results.close();
        void worker.terminate();
      }
    },
  };

  try {
    for (let slot = 0; slot < count; slot++) {
      const { port1, port2 } = new MessageChannel();
      const workerSetup: WorkerSetup = { ...setup, keys, signal, slot, results: port2 };
      const worker = startWorker(workerSetup, port2);
      worker.unref();
      workers.push({ worker, results: port1 });
    }
    for (let slot = 0; slot < count; slot++) {
      const answer = receive(slot);
      if (!('probe' in answer)) throw new Error('bulk import worker did not start with its probe');
      const sealed = Buffer.from(answer.probe.sealed);
      if (answer.probe.youthKey !== vault.youthKey(PROBE_BSN) || vault.open(sealed) !== PROBE_BSN) {
        throw new Error('bulk import worker does not use the keys of this region');
      }
    }
  } catch (err) {
    pipeline.close();
    throw err;
  }
  return pipeline;
}

/**
 * The worker runs TypeScript like the rest of the index: through tsx when this module itself
 * is TypeScript, directly when it was compiled to JavaScript.
 */
function startWorker(workerSetup: WorkerSetup, port: MessagePort): Worker {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(typescript ? './worker.ts' : './worker.js', import.meta.url).href;
  const options = { workerData: workerSetup, transferList: [port] };
  if (!typescript) return new Worker(new URL(entry), options);
  const tsx = tsxRegisterModule();
  const failure = `(err) => { const w = require('node:worker_threads').workerData; w.results.postMessage({ failure: String(err && err.stack || err) }); const c = new Int32Array(w.signal); Atomics.add(c, w.slot, 1); Atomics.notify(c, w.slot); }`;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch(${failure});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The ESM build of tsx/esm/api (its register() installs tsx in the worker). Read from tsx's
 * package.json: import.meta.resolve is missing where tsx loads this module as CommonJS (under
 * mocha), and require.resolve picks the CommonJS build, whose register() fails in a worker.
 */
function tsxRegisterModule(): string {
  const packageFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(packageFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(join(dirname(packageFile), exports['./esm/api'].import.default)).href;
}
