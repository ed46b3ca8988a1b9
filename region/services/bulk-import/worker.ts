import { parentPort, workerData } from 'node:worker_threads';
import { createBsnVault } from '../../crypto/bsn-vault.js';
import type { LineChunk } from './ndjson.js';
import { createPreparer } from './prepare.js';
import { PROBE_BSN, type WorkerAnswer, type WorkerSetup } from './workers.js';

/**
 * A bulk-import worker thread: prepares the chunks it is sent (parse, validate, seal) and
 * answers on its results port, then bumps its counter so the waiting importer wakes up.
 */
const setup = workerData as WorkerSetup;
const counters = new Int32Array(setup.signal);
const vault = createBsnVault(Buffer.from(setup.keys.encryption), Buffer.from(setup.keys.index));
const preparer = createPreparer(setup.refs, vault, setup.today, setup.timeZone, setup.nowMs);

function answer(message: WorkerAnswer, transfer: ArrayBuffer[] = []): void {
  setup.results.postMessage(message, transfer);
  Atomics.add(counters, setup.slot, 1);
  Atomics.notify(counters, setup.slot);
}

const probe = vault.seal(PROBE_BSN);
answer({ probe: { youthKey: vault.youthKey(PROBE_BSN), sealed: new Uint8Array(probe) } });

parentPort!.on('message', (message: { firstLine: number; lineCount: number; bytes: Uint8Array }) => {
  try {
    const chunk: LineChunk = { firstLine: message.firstLine, lineCount: message.lineCount, bytes: Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength) };
    const prepared = preparer.prepare(chunk);
    answer({ chunk: prepared }, [prepared.sealed.buffer as ArrayBuffer, prepared.youthKeyBytes.buffer as ArrayBuffer]);
  } catch (err) {
    answer({ failure: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
