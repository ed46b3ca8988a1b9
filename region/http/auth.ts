import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError, forbidden, unauthorized } from '../errors.js';
import { secretHash } from '../crypto/tokens.js';
import type { Actor, RegionContext } from '../services/context.js';
import type { CovenantService } from '../services/covenant.js';

/** Authentication at the edge: admin tokens for the covenant administrator, API keys plus X-Professional-Id for case systems. */
export type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;
export type AdminActor = Extract<Actor, { kind: 'admin' }>;

declare module 'express-serve-static-core' {
  interface Locals {
    actor?: Actor;
  }
}

function bearer(req: Request): string | null {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m ? m[1] : null;
}

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(secretHash(a), 'hex'), Buffer.from(secretHash(b), 'hex'));
}

function denied(ctx: RegionContext, req: Request, reason: string): void {
  ctx.audit.record({ actorKind: 'anonymous', action: 'auth', objectType: 'route', objectId: `${req.method} ${req.baseUrl}`, outcome: `denied:${reason}` }, ctx.now());
}

export function requireAdmin(ctx: RegionContext, covenant: CovenantService): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req);
    if (!token) {
      denied(ctx, req, 'no-token');
      throw unauthorized('an admin token is required: Authorization: Bearer <admin token>');
    }
    const configured = ctx.config.adminToken;
    if (configured && sameSecret(token, configured)) {
      res.locals.actor = { kind: 'admin', tokenId: 'config' };
      next();
      return;
    }
    const row = covenant.authenticateAdminToken(token);
    if (!row) {
      denied(ctx, req, 'bad-admin-token');
      throw unauthorized('the admin token is not valid');
    }
    res.locals.actor = { kind: 'admin', tokenId: row.id };
    next();
  };
}

export function requireProfessional(ctx: RegionContext, covenant: CovenantService): RequestHandler {
  return (req, res, next) => {
    const key = bearer(req);
    if (!key) {
      denied(ctx, req, 'no-key');
      throw unauthorized("an API key is required: Authorization: Bearer <your institution's API key>");
    }
    const apiKey = covenant.authenticateApiKey(key);
    if (!apiKey) {
      denied(ctx, req, 'bad-key');
      throw unauthorized('the API key is not valid or has been revoked');
    }
    const professionalId = req.get('x-professional-id');
    if (!professionalId) {
      throw new AppError('PROFESSIONAL_ID_REQUIRED', 'the X-Professional-Id header must name the professional the case system acts for', 400);
    }
    const pro = covenant.findProfessional(professionalId);
    if (!pro || pro.institution_id !== apiKey.institution_id) {
      ctx.audit.record({ actorKind: 'anonymous', institutionId: apiKey.institution_id, action: 'auth', objectType: 'professional', objectId: professionalId, outcome: 'denied:not-of-institution' }, ctx.now());
      throw forbidden('X-Professional-Id does not name a professional of this institution');
    }
    if (pro.authorised !== 1) {
      ctx.audit.record({ actorKind: 'professional', actorId: professionalId, institutionId: apiKey.institution_id, action: 'auth', outcome: 'denied:not-authorised' }, ctx.now());
      throw new AppError('PROFESSIONAL_NOT_AUTHORISED', 'this professional is not authorised to signal (their authorisation was withdrawn)', 403);
    }
    res.locals.actor = { kind: 'professional', professionalId, institutionId: apiKey.institution_id };
    next();
  };
}

export function professional(res: { locals: { actor?: Actor } }): ProfessionalActor {
  const a = res.locals.actor;
  if (a?.kind !== 'professional') throw unauthorized('not authenticated as a professional');
  return a;
}

export function admin(res: { locals: { actor?: Actor } }): AdminActor {
  const a = res.locals.actor;
  if (a?.kind !== 'admin') throw unauthorized('not authenticated as an admin');
  return a;
}
