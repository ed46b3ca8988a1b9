import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeBrp } from './fake-brp.js';

/** What the BRP does with one call: as the fake answers it, or a failure of its own. */
export type Rule = (method: string, path: string, body: string) => 'pass' | { status: number; body: unknown };

/**
 * The fake BRP (which follows the specifications) behind a door the test controls, so that one
 * endpoint, or one person, can fail while the rest of the BRP answers.
 */
export async function brpBehind(brp: FakeBrp): Promise<{ url: string; rule: Rule; close(): Promise<void> }> {
  const door = {
    rule: ((): 'pass' => 'pass') as Rule,
    url: '',
    close: (): Promise<void> => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
      const decided = door.rule(req.method!, req.url!, body);
      if (decided !== 'pass') {
        res.writeHead(decided.status, { 'content-type': 'application/json' }).end(JSON.stringify(decided.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(`${brp.baseUrl}${req.url}`, { method: req.method, headers, body: body === '' ? undefined : body }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(await r.text());
      }, () => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  door.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return door;
}

