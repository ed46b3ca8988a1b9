import { Router } from 'express';
import { mayHoldBsn } from '../domain/bsn.js';
import { z } from 'zod';
import type { CovenantService } from '../services/covenant.js';
import type { NoticeService } from '../services/notices.js';
import { institutionInput, municipalityInput, professionalInput } from '../services/covenant-schemas.js';
import { admin } from './auth.js';
import { noBody, parseInput } from './errors.js';

/** The covenant administrator's API: municipalities, institutions, professionals, API keys. */
export function adminRoutes(covenant: CovenantService, notices: NoticeService): Router {
  const r = Router();
  const apiKeyInput = z.strictObject({
    label: z.string().trim().max(100).refine((v) => !mayHoldBsn(v), 'holds a number that may be a BSN: leave it out').optional(),
  }).optional();

  r.post('/municipalities', (req, res) => {
    res.status(201).json(covenant.addMunicipality(admin(res), parseInput(municipalityInput, req.body)));
  });
  r.get('/municipalities', (_req, res) => {
    res.json(covenant.listMunicipalities());
  });
  r.get('/municipalities/:code/notices', (req, res) => {
    covenant.requireMunicipality(req.params.code);
    res.json(notices.readAll('checker', req.params.code, null, { adminTokenId: admin(res).tokenId }));
  });
  r.post('/institutions', (req, res) => {
    res.status(201).json(covenant.addInstitution(admin(res), parseInput(institutionInput, req.body)));
  });
  r.get('/institutions', (_req, res) => {
    res.json(covenant.listInstitutions());
  });
  r.post('/institutions/:id/professionals', (req, res) => {
    res.status(201).json(covenant.addProfessional(admin(res), req.params.id, parseInput(professionalInput, req.body)));
  });
  r.get('/institutions/:id/professionals', (req, res) => {
    res.json(covenant.listProfessionals(req.params.id));
  });
  r.post('/institutions/:id/professionals/:pid/deauthorisation', (req, res) => {
    noBody(req.body);
    res.json(covenant.setAuthorised(admin(res), req.params.id, req.params.pid, false));
  });
  r.post('/institutions/:id/professionals/:pid/authorisation', (req, res) => {
    noBody(req.body);
    res.json(covenant.setAuthorised(admin(res), req.params.id, req.params.pid, true));
  });
  r.post('/institutions/:id/api-keys', (req, res) => {
    const input = parseInput(apiKeyInput, req.body);
    res.status(201).json(covenant.createApiKey(admin(res), req.params.id, input?.label ?? null));
  });
  r.get('/institutions/:id/api-keys', (req, res) => {
    res.json(covenant.listApiKeys(req.params.id));
  });
  r.post('/institutions/:id/api-keys/:keyId/revocation', (req, res) => {
    noBody(req.body);
    res.json(covenant.revokeApiKey(admin(res), req.params.id, req.params.keyId));
  });
  return r;
}
