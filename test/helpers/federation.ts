import { createServer } from 'node:http';
import { expect } from 'chai';
import { call, type Caller, type TestRegion } from './region.js';

/** Polls `check` until it returns a value (not undefined/false), within `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function nationalSettings(url: string, extra: Record<string, unknown> = {}) {
  return {
    national: {
      enabled: true, url, allowPlainHttp: url.startsWith('http:'), longPollSeconds: 5, requestTimeoutMs: 5000,
      backoff: { baseMs: 50, maxMs: 500 }, batchSize: 50, ...extra,
    },
  };
}

export async function registerSignal(t: TestRegion, who: Caller, bsn: string) {
  const r = await call(t.baseUrl, 'POST', '/api/v1/signals', {
    token: who.token, professionalId: who.professionalId, body: { bsn, birthDate: '2012-05-04', municipality: '0344', legalGroundConfirmed: true },
  });
  expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
  return r.body;
}

export interface GatewayOptions {
  /** The first this many requests are answered 429 with an HTML page, as a throttling proxy does. */
  refuse?: number;
  /** Milliseconds to hold a request (by the operation's request element, e.g. ReconcilieerVerzoek) before passing it on. */
  holdRequest?: Partial<Record<string, number>>;
  /** Milliseconds to hold the national index's answer to a request before passing it back. */
  holdAnswer?: Partial<Record<string, number>>;
}

/** A gateway on 127.0.0.1 in front of the national index (as the government's service bus is in production), for timing and refusals. */
export async function startGateway(target: string, options: GatewayOptions = {}) {
  let refused = 0;
  let down = false;
  const wait = (holds: GatewayOptions['holdRequest'], body: string) =>
    new Promise((resolve) => setTimeout(resolve, Object.entries(holds ?? {}).find(([element]) => body.includes(element))?.[1] ?? 0));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    if (refused < (options.refuse ?? 0)) {
      refused++;
      res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '1' }).end('<html><body>Too Many Requests</body></html>');
      return;
    }
    await wait(options.holdRequest, body);
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'soapaction', 'x-region-id']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
    try {
      const answer = await fetch(target, { method: 'POST', headers, body });
      const text = await answer.text();
      await wait(options.holdAnswer, body);
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' }).end(text);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/sync`,
    refused: () => refused,
    /** While down, every request is answered 503, as when the link to the national index is out. */
    setDown(value: boolean) {
      down = value;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
