import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { RegionConfig } from '../config/load.js';
import { decodeResponse, encodeRequest } from '../national/protocol/codec.js';
import { actionOf, RemoteFault, SyncFault, type Operation, type RequestMap, type ResponseMap } from '../national/protocol/types.js';

/**
 * The connector's SOAP client for the national index: undici with the region's client
 * certificate (two-way TLS), or plain HTTP by an explicit development setting. Failures are
 * classified: a Client fault the national index sent about the content of the events (SCHEMA,
 * ONGELDIGE_XML, TE_GROOT) is permanent, and the delivery splits the batch to find the event;
 * everything else is worth retrying: network errors, time-outs, Server faults, an answer that is
 * no SOAP (a gateway's HTML 429 or 503), and Client faults about the link rather than an event
 * (identity, envelope, operation: a configuration or version problem that the operator fixes,
 * after which the same events go through). Before, those put every event of the batch among the
 * dead letters and erased it.
 */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** The Client faults about what the events hold; any other fault is about the link or the moment. */
const EVENT_FAULTS: ReadonlySet<string> = new Set(['SCHEMA', 'ONGELDIGE_XML', 'TE_GROOT']);

/** Client faults the caller acts on itself: a held match snapshot let go (match-feed.ts reads it again). */
const CALLER_FAULTS: ReadonlySet<string> = new Set(['STAND_ONBEKEND']);

export function isPermanent(err: unknown): err is SyncFault {
  return err instanceof SyncFault && err.side === 'Client' && EVENT_FAULTS.has(err.code);
}

export function createSyncClient(config: RegionConfig) {
  const n = config.national;
  if (!n.url) throw new Error('national.url is not configured');
  const url = n.url;
  const dispatcher = new Agent({
    connect: n.tls ? { ca: readFileSync(n.tls.caFile), cert: readFileSync(n.tls.certFile), key: readFileSync(n.tls.keyFile), timeout: n.requestTimeoutMs } : { timeout: n.requestTimeoutMs },
    keepAliveTimeout: 10_000,
  });
  const plain = url.startsWith('http:');

  return {
    async call<O extends Operation>(op: O, body: RequestMap[O], extraWaitMs = 0): Promise<ResponseMap[O]> {
      const timeout = n.requestTimeoutMs + extraWaitMs;
      let status: number;
      let text: string;
      try {
        const res = await request(url, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${actionOf(op)}"`, ...(plain ? { 'x-region-id': config.region.id } : {}) },
          body: encodeRequest(op, body, url),
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        throw new RetryableError(`national index unreachable: ${(err as { code?: string }).code ?? (err as Error).message}`);
      }
      try {
        return await decodeResponse(op, text);
      } catch (err) {
        if (err instanceof RemoteFault && ((err.side === 'Client' && CALLER_FAULTS.has(err.code)) || isPermanent(err))) throw err;
        const what = err instanceof RemoteFault ? `${err.code}: ${err.message}` : `no readable answer (${(err as Error).message})`;
        throw new RetryableError(`national index answered ${status}: ${what.slice(0, 200)}`);
      }
    },
    close: () => dispatcher.destroy(),
  };
}

export type SyncClient = ReturnType<typeof createSyncClient>;

/** Exponential back-off with full jitter between half and all of the step. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
