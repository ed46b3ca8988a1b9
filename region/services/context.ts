import type { Logger } from 'pino';
import type { RegionConfig } from '../../config/load.js';
import type { BsnVault } from '../crypto/bsn-vault.js';
import { dateInZone, type CalendarDate } from '../domain/calendar.js';
import { AppError } from '../errors.js';
import type { AuditEntry, AuditLog } from '../store/audit.js';
import type { ImportNote } from '../store/import-lock.js';
import type { Db } from '../store/db.js';

/** What every service of one regional index shares; built once by createRegion. */
export interface RegionContext {
  db: Db;
  vault: BsnVault;
  audit: AuditLog;
  config: RegionConfig;
  log: Logger;
  /** The current moment; tests pass a controllable clock. */
  now: () => Date;
  /** Fault-injection seam for tests that stop a process between two steps of a change. */
  onStep?: (step: string, id: string) => void;
  /** An operator's import running on this data folder, which holds the write lock (store/import-lock.ts). */
  importRunning: () => ImportNote | null;
}

export function today(ctx: RegionContext): CalendarDate {
  return dateInZone(ctx.now(), ctx.config.timeZone);
}

/** Who is acting: a professional through their institution's case system, an admin, or the index itself. */
export type Actor =
  | { kind: 'professional'; professionalId: string; institutionId: string }
  | { kind: 'admin'; tokenId: string }
  | { kind: 'system' };

export function auditActor(actor: Actor): { actorKind: Actor['kind']; actorId: string | null; institutionId: string | null } {
  switch (actor.kind) {
    case 'professional':
      return { actorKind: 'professional', actorId: actor.professionalId, institutionId: actor.institutionId };
    case 'admin':
      return { actorKind: 'admin', actorId: actor.tokenId, institutionId: null };
    case 'system':
      return { actorKind: 'system', actorId: null, institutionId: null };
  }
}

/**
 * Runs `work` (a transaction); when it refuses the caller (an AppError: not theirs, not found,
 * invalid), the refusal is audited after the rollback, so an attempt on data that is not the
 * caller's leaves a trace as a read of it does.
 */
export function refusalsAudited<T>(ctx: Pick<RegionContext, 'audit' | 'now'>, entry: Omit<AuditEntry, 'outcome'>, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof AppError) ctx.audit.record({ ...entry, outcome: `rejected:${err.code}` }, ctx.now());
    throw err;
  }
}
