import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import express, { type Express, type Request } from 'express';
import { decodeRequest, encodeFault, encodeResponse, eventsWithin } from '../protocol/codec.js';
import { actionOf, MAX_BODY_BYTES, MAX_WAIT_SECONDS, PROTOCOL_VERSION, SyncFault, type Operation, type RequestMap, type ResponseMap } from '../protocol/types.js';
import { WSDL_TEMPLATE, XSD } from '../protocol/documents.js';
import { escapeXml } from '../protocol/xml.js';
import type { NationalConfig } from '../config.js';
import type { Feed } from '../services/feed.js';
import type { NationalContext, NationalIndex } from '../services/index.js';

/** Room left for the envelope, the header and the answer's own elements around a feed's events. */
const ANSWER_ENVELOPE_BYTES = 16 * 1024;

/**
 * The national index's SOAP endpoint: POST /sync (document/literal), GET /sync?wsdl and ?xsd.
 * A region is who its client certificate says it is (pinned by fingerprint); a request naming
 * another region, or a certificate no region has, is refused. Every answer is a SOAP message:
 * a response or a Fault with a clear code, never a stack trace.
 */
export function createSoapApp(config: NationalConfig, ctx: NationalContext, index: NationalIndex, feed: Feed): Express {
  const byFingerprint = new Map<string, string>();
  for (const r of config.regions) {
    if (r.certFile) byFingerprint.set(new X509Certificate(readFileSync(r.certFile)).fingerprint256, r.id);
  }
  const known = new Set(config.regions.map((r) => r.id));

  function callerRegion(req: Request): string {
    if (config.tls) {
      const socket = req.socket as TLSSocket;
      const cert = socket.authorized ? socket.getPeerCertificate() : null;
      const region = cert?.fingerprint256 ? byFingerprint.get(cert.fingerprint256) : undefined;
      if (!region) throw new SyncFault('Client', 'ONBEKEND_CERTIFICAAT', 'the client certificate belongs to no known region', 403);
      return region;
    }
    const region = req.get('x-region-id');
    if (!region || !known.has(region)) throw new SyncFault('Client', 'ONBEKENDE_REGIO', 'development mode: X-Region-Id must name a known region', 403);
    return region;
  }

  const handlers: { [O in Operation]: (region: string, r: RequestMap[O], req: Request) => Promise<ResponseMap[O]> | ResponseMap[O] } = {
    LeverMeldingen: async (region, r) => ({ acks: await index.deliver(region, r.events) }),
    HaalMatches: async (region, r, req) => {
      let answer = feed.read(region, r.after, r.max);
      if (answer.events.length === 0 && !answer.resyncNeeded && r.waitSeconds > 0) {
        const abort = new AbortController();
        req.on('close', () => abort.abort());
        await feed.waitFor(region, Math.min(r.waitSeconds, MAX_WAIT_SECONDS) * 1000, abort.signal);
        answer = feed.read(region, r.after, r.max);
      }
      // The answer stays under the size a reader accepts (the envelope around the events is small).
      return { ...answer, events: eventsWithin(answer.events, MAX_BODY_BYTES - ANSWER_ENVELOPE_BYTES) };
    },
    Reconcilieer: (region, r) => index.reconcile(region, r),
    HaalMatchstand: (region, r) => index.matchSnapshot(region, r),
    Status: () => ({ status: 'ok', protocolVersion: PROTOCOL_VERSION, time: ctx.now().toISOString() }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.get('/sync', (req, res) => {
    const base = `${config.tls ? 'https' : 'http'}://${req.get('host')}/sync`;
    if ('xsd' in req.query) {
      res.type('application/xml').send(XSD);
      return;
    }
    if ('wsdl' in req.query) {
      // The Host header is the caller's text: escaped, and replaced as a whole ('$' patterns are not read).
      res.type('text/xml').send(WSDL_TEMPLATE.replace('SERVICE_LOCATION', () => escapeXml(base)));
      return;
    }
    res.status(404).type('text/plain').send('use POST for SOAP, ?wsdl for the WSDL and ?xsd for the schema');
  });
  app.post('/sync', express.text({ type: () => true, limit: MAX_BODY_BYTES }), async (req, res) => {
    let relatesTo: string | undefined;
    try {
      const region = callerRegion(req);
      if (typeof req.body !== 'string' || req.body.length === 0) throw new SyncFault('Client', 'LEEG_BERICHT', 'the request body must be a SOAP envelope');
      const decoded = await decodeRequest(req.body);
      relatesTo = decoded.messageId;
      // SOAP 1.1's SOAPAction header, when given, names the same action as wsa:Action (WS-Addressing 1.0 SOAP binding).
      const soapAction = req.get('soapaction')?.trim().replace(/^"(.*)"$/, '$1');
      if (soapAction && soapAction !== actionOf(decoded.op)) {
        throw new SyncFault('Client', 'ACTION_ONJUIST', `the SOAPAction header ${soapAction} does not fit wsa:Action ${actionOf(decoded.op)}`);
      }
      const named = (decoded.request as { region?: string }).region;
      if (named !== undefined && named !== region) {
        throw new SyncFault('Client', 'ANDERE_REGIO', `this certificate belongs to region ${region}, not to ${named}`, 403);
      }
      const op = decoded.op;
      const response = await (handlers[op] as (r: string, x: unknown, q: Request) => Promise<unknown>)(region, decoded.request, req);
      res.type('text/xml; charset=utf-8').send(encodeResponse(op, response as ResponseMap[typeof op], decoded.messageId));
    } catch (err) {
      const fault = err instanceof SyncFault ? err : new SyncFault('Server', 'INTERNE_FOUT', 'an internal error occurred; it has been logged');
      if (!(err instanceof SyncFault)) ctx.log.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'sync request failed');
      res.status(fault.httpStatus).type('text/xml; charset=utf-8').send(encodeFault(fault, relatesTo ?? fault.relatesTo));
    }
  });
  app.use((err: { type?: string; status?: number }, _req: Request, res: express.Response, _next: express.NextFunction) => {
    const fault = err.type === 'entity.too.large'
      ? new SyncFault('Client', 'TE_GROOT', `message larger than ${MAX_BODY_BYTES} bytes`, 413)
      : new SyncFault('Client', 'ONLEESBAAR', 'the request could not be read');
    res.status(fault.httpStatus).type('text/xml; charset=utf-8').send(encodeFault(fault));
  });
  return app;
}
