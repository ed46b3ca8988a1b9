import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { PROFESSIONAL_REMOVAL_REASONS } from '../domain/removal.js';
import type { BsnVault } from '../crypto/bsn-vault.js';
import type { MatchService } from '../services/matches.js';
import type { NoticeService } from '../services/notices.js';
import type { SignalService } from '../services/signals.js';
import type { Verification } from '../services/verification.js';
import { professional } from './auth.js';
import { parseInput } from './errors.js';
import { youthFields, youthIdentifier } from './youth-input.js';

/** The client-system API for institutions' case systems: signals, matches and notices. */
const registerBody = z.strictObject({
  ...youthFields,
  birthDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }),
  municipality: z.string({ error: 'must be the 4-digit CBS code of a municipality of the covenant area' }),
  legalGroundConfirmed: z.boolean({ error: 'must be true' }).optional(),
  removalDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }).optional(),
});
const extensionBody = z.strictObject({ removalDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }).optional() }).optional();
const removalBody = z.strictObject({
  reason: z.enum(PROFESSIONAL_REMOVAL_REASONS, { error: `must be one of: ${PROFESSIONAL_REMOVAL_REASONS.join(', ')}` }),
});
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'Idempotency-Key must be 1-200 visible ASCII characters');

export function signalRoutes(signals: SignalService, matches: MatchService, notices: NoticeService, vault: BsnVault, verification: Verification): Router {
  const r = Router();

  r.post('/signals', async (req, res) => {
    const actor = professional(res);
    const parsed = parseInput(registerBody, req.body);
    const body = { ...parsed, bsn: youthIdentifier(parsed) };
    const key = req.get('idempotency-key');
    if (key !== undefined && !idempotencyKey.safeParse(key).success) {
      throw new AppError('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-200 visible ASCII characters', 400);
    }
    // Both are keyed hashes: a case system may well put a BSN in its Idempotency-Key.
    const { withoutBsn: _facts, ...input } = body;
    const idem = key
      ? { key: vault.keyedHash(`idempotency-key\n${key}`), requestHash: vault.keyedHash(`${actor.professionalId}\n${JSON.stringify(input)}`) }
      : undefined;
    const result = await verification.register(actor, { ...input, legalGroundConfirmed: body.legalGroundConfirmed === true }, idem);
    res.status(result.status).json(result.signal);
  });
  r.get('/signals', (_req, res) => {
    res.json(signals.list(professional(res)));
  });
  r.get('/signals/:id', (req, res) => {
    res.json(signals.get(professional(res), req.params.id));
  });
  r.post('/signals/:id/extension', (req, res) => {
    const body = parseInput(extensionBody, req.body);
    res.json(signals.extend(professional(res), req.params.id, body?.removalDate));
  });
  r.post('/signals/:id/removal', (req, res) => {
    const body = parseInput(removalBody, req.body);
    res.json(signals.remove(professional(res), req.params.id, body.reason));
  });
  r.get('/matches', (_req, res) => {
    res.json(matches.listFor(professional(res)));
  });
  r.get('/matches/:id', (req, res) => {
    res.json(matches.getFor(professional(res), req.params.id));
  });
  r.get('/notices', (_req, res) => {
    const actor = professional(res);
    res.json(notices.readAll('professional', actor.professionalId, actor.institutionId));
  });
  return r;
}
