import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { portalCookieSecure } from '../../config/load.js';
import type { RegionContext } from '../services/context.js';

/**
 * Portal sessions in the database: the cookie holds a random token, the table only its hash.
 * A visitor gets an anonymous session (for the CSRF token of the login form); logging in
 * replaces it by a new one (no session fixation). Sessions end after `idleMinutes` without a
 * request, and after `maxSessionHours` in any case. Cookies are HttpOnly, SameSite=Strict and
 * Secure unless configured for local HTTP.
 */
export type SessionStage = 'anonymous' | 'password' | 'enrol' | 'active';

export interface SessionRow {
  id_hash: string;
  stage: SessionStage;
  account_id: string | null;
  csrf_token: string;
  pending_secret: Buffer | null;
  pending_password_hash: string | null;
  flash: string | null;
  created_at: string;
  last_seen_at: string;
}

export interface Flash {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createSessionService(ctx: RegionContext) {
  const { db, config } = ctx;
  const secure = portalCookieSecure(config);
  const cookieName = secure ? '__Host-vir_sessie' : 'vir_sessie';
  const q = {
    get: db.prepare<[string], SessionRow>('SELECT * FROM portal_sessions WHERE id_hash = ?'),
    insert: db.prepare(
      `INSERT INTO portal_sessions (id_hash, stage, account_id, csrf_token, pending_secret, pending_password_hash, flash, created_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    touch: db.prepare('UPDATE portal_sessions SET last_seen_at = ? WHERE id_hash = ?'),
    stage: db.prepare('UPDATE portal_sessions SET stage = ?, account_id = ?, pending_secret = ?, pending_password_hash = ? WHERE id_hash = ?'),
    flash: db.prepare('UPDATE portal_sessions SET flash = ? WHERE id_hash = ?'),
    remove: db.prepare('DELETE FROM portal_sessions WHERE id_hash = ?'),
    purge: db.prepare('DELETE FROM portal_sessions WHERE last_seen_at < ? OR created_at < ?'),
  };
  const at = (): string => ctx.now().toISOString();
  let lastPurge = 0;

  function expired(row: SessionRow): boolean {
    const now = ctx.now().getTime();
    return now - Date.parse(row.last_seen_at) > config.portal.idleMinutes * 60_000 || now - Date.parse(row.created_at) > config.portal.maxSessionHours * 3_600_000;
  }

  function purgeNow(): void {
    const now = ctx.now().getTime();
    if (now - lastPurge < 60_000) return;
    lastPurge = now;
    q.purge.run(new Date(now - config.portal.idleMinutes * 60_000).toISOString(), new Date(now - config.portal.maxSessionHours * 3_600_000).toISOString());
  }

  function setCookie(res: Response, token: string): void {
    res.cookie(cookieName, token, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
  }

  function readCookie(req: Request): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const i = part.indexOf('=');
      if (i > 0 && part.slice(0, i).trim() === cookieName) {
        const value = part.slice(i + 1).trim();
        return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
      }
    }
    return null;
  }

  function create(res: Response, stage: SessionStage, accountId: string | null, flash: Flash | null = null): SessionRow {
    purgeNow();
    const token = randomBytes(32).toString('base64url');
    const idHash = hashToken(token);
    q.insert.run(idHash, stage, accountId, randomBytes(32).toString('base64url'), null, null, flash ? JSON.stringify(flash) : null, at(), at());
    setCookie(res, token);
    return q.get.get(idHash)!;
  }

  return {
    cookieName,
    /** The request's live session, or null; `expired` tells that there was one that timed out. */
    load(req: Request): { session: SessionRow | null; expired: boolean } {
      const token = readCookie(req);
      if (!token) return { session: null, expired: false };
      const row = q.get.get(hashToken(token));
      if (!row) return { session: null, expired: false };
      if (expired(row)) {
        q.remove.run(row.id_hash);
        return { session: null, expired: row.stage === 'active' };
      }
      q.touch.run(at(), row.id_hash);
      return { session: row, expired: false };
    },
    /** A fresh anonymous session (login form, after logout). */
    anonymous: (res: Response, flash: Flash | null = null) => create(res, 'anonymous', null, flash),
    /** Halfway through a login: the password was right, the second factor is still to come. */
    pending(session: SessionRow, stage: 'password' | 'enrol', accountId: string, pendingSecret: Buffer | null, pendingPasswordHash: string | null): void {
      q.stage.run(stage, accountId, pendingSecret, pendingPasswordHash, session.id_hash);
    },
    /** Logged in: the old session is replaced by a new one with a new token and CSRF token. */
    activate(res: Response, old: SessionRow, accountId: string): SessionRow {
      q.remove.run(old.id_hash);
      return create(res, 'active', accountId);
    },
    end(res: Response, session: SessionRow): void {
      q.remove.run(session.id_hash);
      res.clearCookie(cookieName, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    },
    setFlash(session: SessionRow, flash: Flash): void {
      q.flash.run(JSON.stringify(flash), session.id_hash);
    },
    takeFlash(session: SessionRow): Flash | null {
      if (!session.flash) return null;
      q.flash.run(null, session.id_hash);
      return JSON.parse(session.flash) as Flash;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
