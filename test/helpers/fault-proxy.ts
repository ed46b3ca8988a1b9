import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of the national index (as the government's service bus is in
 * production) that misbehaves on demand: 'pass' forwards, 'error500' answers 500, 'throttle'
 * answers 429 with an HTML page (as a gateway does), 'hang' never answers, 'reset' destroys the
 * connection. In 'pass', `hold` delays a request before it is passed on, or the national index's
 * answer before it is passed back, by the request element of the operation (e.g.
 * `ReconcilieerVerzoek`), to make the races of a real network; `rewrite` changes an answer on its
 * way back (e.g. the protocol version a Status announces); `bodies` keeps every request body.
 */
export type FaultMode = 'pass' | 'error500' | 'throttle' | 'hang' | 'reset';

export interface Holds {
  request?: Partial<Record<string, number>>;
  answer?: Partial<Record<string, number>>;
}

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  hold: Holds;
  /** Requests seen, in any mode. */
  requests: number;
  /** Their bodies, in order. */
  bodies: string[];
  /** In 'pass': the answer passed back for a request body and the national index's answer. */
  rewrite: (answer: string, request: string) => string;
  close(): Promise<void>;
}

const FORWARDED = ['content-type', 'soapaction', 'x-region-id'];

export async function startFaultProxy(target: string, hold: Holds = {}): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state: FaultProxy = { url: '', mode: 'pass', hold, requests: 0, bodies: [], rewrite: (answer) => answer, close: async () => undefined };
  const held = (holds: Holds['request'], body: string) =>
    new Promise((resolve) => setTimeout(resolve, Object.entries(holds ?? {}).find(([element]) => body.includes(element))?.[1] ?? 0));
  const server: Server = createServer(async (req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.bodies.push(Buffer.concat(chunks).toString('utf8'));
    switch (state.mode) {
      case 'error500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('proxy says no');
        return;
      case 'throttle':
        res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '1' }).end('<html><body>Too Many Requests</body></html>');
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'pass': {
        const body = Buffer.concat(chunks).toString('utf8');
        await held(state.hold.request, body);
        const headers: Record<string, string> = {};
        for (const h of FORWARDED) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
        try {
          const answer = await fetch(target, { method: req.method, headers, body });
          const text = await answer.text();
          await held(state.hold.answer, body);
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' }).end(state.rewrite(text, body));
        } catch {
          res.destroy();
        }
      }
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  state.url = `http://127.0.0.1:${port}/sync`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}
