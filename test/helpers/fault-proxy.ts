import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of the national index that misbehaves on demand:
 * 'pass' forwards, 'error500' answers 500, 'hang' never answers, 'reset' destroys the connection.
 */
export type FaultMode = 'pass' | 'error500' | 'hang' | 'reset';

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  requests: number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state: FaultProxy = { url: '', mode: 'pass', requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    state.requests++;
    switch (state.mode) {
      case 'error500':
        req.resume();
        res.writeHead(500, { 'content-type': 'text/plain' }).end('proxy says no');
        return;
      case 'hang':
        req.resume();
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'pass': {
        const up = request(target + (req.url === '/' ? '' : ''), { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        req.pipe(up);
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
