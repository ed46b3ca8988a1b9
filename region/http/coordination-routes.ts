import { Router } from 'express';
import { z } from 'zod';
import { INFORMED_PARTIES, INFORMING_METHODS } from '../domain/informing.js';
import type { RegionServices } from '../create-region.js';
import { professional } from './auth.js';
import { handoverBody } from './admin-lifecycle-routes.js';
import { noBody, parseInput } from './errors.js';

/** Client-system routes for what follows a signal: informing (7.1.5.1) and coordination after a match. */
const informingBody = z.strictObject({
  informed: z.array(z.enum(INFORMED_PARTIES, { error: `must be ${INFORMED_PARTIES.join(' or ')}` }), { error: `must be a list of who was informed: ${INFORMED_PARTIES.map((p) => `"${p}"`).join(', ')}` })
    .optional(),
  informedOn: z.string({ error: 'must be a date in the form YYYY-MM-DD' }),
  method: z.enum(INFORMING_METHODS, { error: `must be one of: ${INFORMING_METHODS.join(', ')}` }),
});
const regievoerderBody = z.strictObject({ professionalId: z.string({ error: 'must name a professional in this match' }).min(1) });

export function coordinationRoutes(s: RegionServices): Router {
  const r = Router();
  r.post('/signals/:id/informing', (req, res) => {
    res.json(s.informing.record(professional(res), req.params.id, parseInput(informingBody, req.body)));
  });
  r.get('/informing/outstanding', (_req, res) => {
    res.json(s.informing.outstanding(professional(res)));
  });
  r.post('/matches/:id/regievoerder', (req, res) => {
    const actor = professional(res);
    s.coordination.setRegievoerder(actor, req.params.id, parseInput(regievoerderBody, req.body).professionalId);
    res.json(s.matches.view(req.params.id, actor.professionalId));
  });
  r.post('/matches/:id/contact', (req, res) => {
    const actor = professional(res);
    noBody(req.body);
    s.coordination.recordContact(actor, req.params.id);
    res.json(s.matches.view(req.params.id, actor.professionalId));
  });
  r.post('/institution/handovers', (req, res) => {
    const actor = professional(res);
    const body = parseInput(handoverBody, req.body);
    res.json(s.handover.handOver(actor, actor.institutionId, body.from, body.to));
  });
  return r;
}
