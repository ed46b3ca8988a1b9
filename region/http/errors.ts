import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Parses input at the edge with a zod schema; a mistake becomes a 400 that names the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const input = value ?? (where === 'body' ? undefined : {});
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // Parsed again, with the input in each issue (zod leaves it out unless asked), so that a field sent
  // with the wrong type is told its schema's message and only an absent one "is required". Only on
  // failure: asking for it on every parse cost the bulk import ~100 MiB of peak memory (benchmark 2).
  // The input is not put in the answer.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  // One line per problem: a field of the wrong type can fail a schema's checks twice with one message.
  const lines = result.error.issues.map((i) => {
    const path = i.path.length ? i.path.join('.') : where;
    if (i.code === 'unrecognized_keys') return `${path === where ? where : path}: unknown field(s) ${i.keys.join(', ')} (only the fields the law allows are accepted)`;
    if (i.code === 'invalid_type' && i.input === undefined) return `${path}: is required`;
    return `${path}: ${i.message}`;
  });
  const message = [...new Set(lines)].slice(0, 5).join('; ');
  throw new AppError('VALIDATION_ERROR', message, 400);
}

const NO_BODY = z.strictObject({}).optional();

/** For an operation that takes no body: none, or {}, is fine; a field is refused by name, as everywhere. */
export function noBody(body: unknown): void {
  parseInput(NO_BODY, body);
}

export const unknownRoute: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `no such endpoint: ${req.method} ${req.baseUrl}${req.path}` } });
};

/** Maps every error to { error: { code, message } }; internals stay in the log, never in the answer. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' } });
      return;
    }
    if (type === 'charset.unsupported') {
      res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body as JSON in UTF-8 (leave out the charset, or give charset=utf-8)' } });
      return;
    }
    if (type === 'encoding.unsupported') {
      res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body uncompressed, or compressed with gzip or deflate' } });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BODY_TOO_LARGE', message: 'the request body is larger than this endpoint accepts' } });
      return;
    }
    if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
      // Another connection (an operator's CLI import) held the write lock past the busy timeout; the
      // transaction was rolled back whole.
      log.warn({ method: req.method, route: req.route?.path }, 'request refused: the database was locked by another writer');
      res.status(503).set('retry-after', '5').json({ error: { code: 'BUSY', message: 'the index is busy with another write (an operator command); nothing was changed, try again in a few seconds' } });
      return;
    }
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'BAD_REQUEST', message: 'the request could not be read' } });
      return;
    }
    log.error({ err: { type: (err as Error).name, stack: (err as Error).stack }, method: req.method, route: req.route?.path }, 'request failed');
    res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'an internal error occurred; it has been logged' } });
  };
}
