import { Router } from 'express';
import { z } from 'zod';
import { plainText } from '../services/covenant-schemas.js';
import type { RegionServices } from '../create-region.js';
import { admin } from './auth.js';
import { noBody, parseInput } from './errors.js';

/**
 * Portal accounts through the admin API: create one (the answer carries its one-time setup code
 * and where to use it), list them, and issue a new setup code (which ends the old password and
 * second factor). The setup code is shown once and stored only as a hash.
 */
const username = z.string().trim().regex(/^[A-Za-z0-9._@+-]{3,200}$/, 'must be 3-200 letters, digits or . _ @ + -');
const name = plainText();
export const accountBody = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('professional'), professionalId: z.string().min(1), username: username.optional() }),
  z.strictObject({ role: z.literal('coordinator'), professionalId: z.string().min(1), username: username.optional() }),
  z.strictObject({ role: z.literal('checker'), municipality: z.string().regex(/^\d{4}$/, 'must be the 4-digit CBS municipality code'), name, username }),
  z.strictObject({ role: z.literal('admin'), name, username }),
], { error: 'must be professional, coordinator, checker or admin' });

export function adminAccountRoutes(s: RegionServices): Router {
  const r = Router();
  const setupUrl = `${s.ctx.config.mail.portalBaseUrl.replace(/\/+$/, '')}/portal/account/instellen`;
  r.post('/accounts', (req, res) => {
    const created = s.portal.accounts.create(admin(res), parseInput(accountBody, req.body));
    res.status(201).json({ ...created, setupUrl });
  });
  r.get('/accounts', (_req, res) => {
    res.json(s.portal.accounts.list());
  });
  r.post('/accounts/:id/setup-code', (req, res) => {
    noBody(req.body);
    res.status(201).json({ ...s.portal.accounts.resetSetup(admin(res), req.params.id), setupUrl });
  });
  return r;
}
