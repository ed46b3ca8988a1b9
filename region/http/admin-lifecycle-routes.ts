import { Router } from 'express';
import { z } from 'zod';
import type { RegionServices } from '../create-region.js';
import { admin } from './auth.js';
import { noBody, parseInput } from './errors.js';
import { youthIdentifier, youthFields } from './youth-input.js';

/** Admin routes for the lifecycle: checkers' tokens, coordinators and hand-overs, reports, data-subject requests. */
const coordinatorBody = z.strictObject({ coordinator: z.boolean({ error: 'must be true or false' }) });
export const handoverBody = z.strictObject({ from: z.string({ error: 'must name the professional who leaves' }).min(1), to: z.string({ error: 'must name the colleague who takes over' }).min(1) });
const youthBody = z.strictObject({ ...youthFields, birthDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }).optional() });
const removalBody = youthBody.extend({
  reason: z.enum(['objection', 'correction', 'death'], { error: 'must be objection, correction or death (the youth died, in a region without a link to the BRP)' }),
});

export function adminLifecycleRoutes(s: RegionServices): Router {
  const r = Router();
  r.post('/municipalities/:code/checker-tokens', (req, res) => {
    noBody(req.body);
    res.status(201).json(s.checker.createToken(req.params.code, admin(res).tokenId));
  });
  r.post('/institutions/:id/professionals/:pid/coordinator', (req, res) => {
    res.json(s.covenant.setCoordinator(admin(res), req.params.id, req.params.pid, parseInput(coordinatorBody, req.body).coordinator));
  });
  r.post('/institutions/:id/handovers', (req, res) => {
    const body = parseInput(handoverBody, req.body);
    res.json(s.handover.handOver(admin(res), req.params.id, body.from, body.to));
  });
  r.get('/reports/informing', (_req, res) => {
    res.json(s.informing.report(admin(res)));
  });
  // POST, so that the BSN travels in the body and never in a URL or an access log.
  r.post('/inspection-reports', (req, res) => {
    res.json(s.dataSubject.inspectionReport(admin(res), youthIdentifier(parseInput(youthBody, req.body))));
  });
  r.post('/data-subject-removals', (req, res) => {
    const body = parseInput(removalBody, req.body);
    res.json(s.dataSubject.remove(admin(res), youthIdentifier(body), body.reason));
  });
  return r;
}
