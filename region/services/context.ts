import type { Logger } from 'pino';
import type { RegionConfig } from '../../config/load.js';
import type { BsnVault } from '../crypto/bsn-vault.js';
import { dateInZone, type CalendarDate } from '../domain/calendar.js';
import type { AuditLog } from '../store/audit.js';
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
