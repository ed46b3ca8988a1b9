import { Router, type RequestHandler } from 'express';
import { mayHoldBsn } from '../domain/bsn.js';
import { z } from 'zod';
import { unauthorized } from '../errors.js';
import type { RegionContext } from '../services/context.js';
import { ESCALATION_OUTCOMES, type CheckerActor, type CheckerService } from '../services/checker.js';
import type { NoticeService } from '../services/notices.js';
import { parseInput } from './errors.js';

/** The municipal checker's API (7.1.3.2): overdue matches of their municipality, escalations, notices. No BSN, ever. */
// A query value is text: digits only (an empty or repeated ?days= is refused, not read as 0).
const overdueQuery = z.strictObject({
  days: z.string({ error: 'must be a whole number of days' }).regex(/^\d{1,4}$/, 'must be a whole number of days').transform(Number)
    .pipe(z.number().max(3650, 'must be at most 3650 days')).optional(),
});
const note = z.string().trim().max(1000, 'at most 1000 characters (no names of youths)')
  .refine((v) => !mayHoldBsn(v), 'holds a number that may be a BSN: leave BSNs and names of youths out of a note')
  // Blank is no note, as leaving it out is.
  .transform((v) => (v === '' ? undefined : v)).optional();
const escalationBody = z.strictObject({ note }).optional();
const outcomeBody = z.strictObject({
  outcome: z.enum(ESCALATION_OUTCOMES, { error: `must be one of: ${ESCALATION_OUTCOMES.join(', ')}` }),
  note,
});

export function requireChecker(ctx: RegionContext, checker: CheckerService): RequestHandler {
  return (req, res, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const actor = m ? checker.authenticate(m[1]) : null;
    if (!actor) {
      ctx.audit.record({ actorKind: 'anonymous', action: 'auth', objectType: 'route', objectId: `${req.method} /api/v1/checker`, outcome: 'denied:bad-checker-token' }, ctx.now());
      throw unauthorized("a checker token is required: Authorization: Bearer <the municipality checker's token>");
    }
    res.locals.checker = actor;
    next();
  };
}

function me(res: { locals: Record<string, unknown> }): CheckerActor {
  return res.locals.checker as CheckerActor;
}

export function checkerRoutes(checker: CheckerService, notices: NoticeService): Router {
  const r = Router();
  r.get('/matches/overdue', (req, res) => {
    res.json(checker.overdue(me(res), parseInput(overdueQuery, req.query, 'query').days));
  });
  r.get('/matches/:id', (req, res) => {
    res.json(checker.match(me(res), req.params.id));
  });
  r.post('/matches/:id/escalations', (req, res) => {
    res.status(201).json(checker.escalate(me(res), req.params.id, parseInput(escalationBody, req.body)?.note ?? null));
  });
  r.post('/escalations/:id/outcome', (req, res) => {
    const body = parseInput(outcomeBody, req.body);
    res.json(checker.resolve(me(res), req.params.id, body.outcome, body.note ?? null));
  });
  r.get('/notices', (_req, res) => {
    res.json(notices.readAll('checker', me(res).municipality));
  });
  return r;
}
