import { AppError } from '../errors.js';
import { isValidBsn } from '../domain/bsn.js';
import { isServiceNumber } from '../domain/service-number.js';
import { auditActor, type Actor, type RegionContext } from './context.js';
import type { LifecycleService } from './lifecycle.js';
import type { SignalService } from './signals.js';

/**
 * Data-subject requests (7.1.5.2), decided by the municipality: the inspection report for one
 * BSN (which institutions hold active or archived signals, since when, until when, and who
 * accessed them), and removal after an objection or correction, without archive, reaching every match.
 */
export function createDataSubjectService(ctx: RegionContext, signals: SignalService, lifecycle: LifecycleService) {
  const { db, audit, vault } = ctx;
  const q = {
    signalsOf: db.prepare<[string], { id: string; status: string; registered_at: string; removal_date: string | null; removed_at: string | null; archive_until: string | null; match_id: string | null; municipality: string; institution: string; category: string; professional: string; function: string }>(
      `SELECT s.id, s.status, s.registered_at, s.removal_date, s.removed_at, s.archive_until, s.match_id, s.municipality,
              i.name AS institution, i.category, p.name AS professional, p.function
       FROM signals s JOIN institutions i ON i.id = s.institution_id JOIN professionals p ON p.id = s.professional_id
       WHERE s.youth_key = ? AND s.status IN ('active', 'archived') ORDER BY s.registered_at`,
    ),
    access: db.prepare<[{ signals: string; matches: string }], { at: string; actor_kind: string; actor_id: string | null; action: string; object_type: string; object_id: string }>(
      // Entries about one of the youth's signals or matches, and list reads that returned one (audit_objects).
      // A list read is reported as an access to what it returned of the youth's (a notices list: to a match).
      `SELECT at, actor_kind, actor_id, action, object_id,
              CASE WHEN object_type IN ('signal', 'match') THEN object_type
                   ELSE (SELECT o.object_type FROM audit_objects o WHERE o.seq = audit_log.seq LIMIT 1) END AS object_type
       FROM audit_log
       WHERE (((object_type = 'signal' AND object_id IN (SELECT value FROM json_each(@signals)))
            OR (object_type = 'match' AND object_id IN (SELECT value FROM json_each(@matches))))
           OR seq IN (SELECT seq FROM audit_objects WHERE object_id IN (SELECT value FROM json_each(@signals) UNION ALL SELECT value FROM json_each(@matches))))
         AND outcome IN ('ok', 'existing', 'replayed')
       ORDER BY seq`,
    ),
    who: db.prepare<[string], { name: string; function: string; institution: string }>(
      'SELECT p.name, p.function, i.name AS institution FROM professionals p JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?',
    ),
  };

  /** A BSN, or the verwijsindexservicenummer of a youth without one (the signals were registered with it). */
  function youthKeyOf(bsn: string): string {
    if (!isValidBsn(bsn) && !isServiceNumber(bsn)) throw new AppError('INVALID_BSN', 'bsn is not a valid burgerservicenummer: it must be 9 digits that pass the elfproef', 400);
    return vault.youthKey(bsn);
  }

  return {
    inspectionReport(actor: Actor, bsn: string) {
      const rows = q.signalsOf.all(youthKeyOf(bsn));
      const signalIds = rows.map((r) => r.id);
      const matchIds = [...new Set(rows.map((r) => r.match_id).filter((m): m is string => m !== null))];
      const access = q.access.all({ signals: JSON.stringify(signalIds), matches: JSON.stringify(matchIds) }).map((a) => {
        const person = a.actor_kind === 'professional' && a.actor_id ? q.who.get(a.actor_id) : undefined;
        return {
          at: a.at,
          by: person ? { kind: 'professional', name: person.name, function: person.function, institution: person.institution } : { kind: a.actor_kind },
          action: a.action,
          object: a.object_type,
        };
      });
      audit.record({ ...auditActor(actor), action: 'data-subject.inspection', objectType: 'youth', outcome: 'ok', detail: { signals: rows.length } }, ctx.now());
      return {
        producedAt: ctx.now().toISOString(),
        signals: rows.map((r) => ({
          institution: { name: r.institution, category: r.category },
          professional: { name: r.professional, function: r.function },
          municipality: r.municipality,
          status: r.status,
          registeredAt: r.registered_at,
          until: r.status === 'active' ? r.removal_date : r.archive_until,
          removedAt: r.removed_at,
        })),
        access,
      };
    },

    /**
     * Removes every active and archived signal of the youth, without archive (7.1.4.6); matches
     * follow. `death`: what the population register's report of a death does (verification.ts),
     * for a region without a link to it, or a death it does not know of yet.
     */
    remove: db.transaction((actor: Actor, bsn: string, reason: 'objection' | 'correction' | 'death') => {
      const rows = q.signalsOf.all(youthKeyOf(bsn));
      let active = 0;
      let archived = 0;
      for (const r of rows) {
        if (r.status === 'active') {
          signals.removeBySystem(r.id, reason);
          active++;
        } else if (lifecycle.destroyArchived(r.id, reason)) {
          archived++;
        }
      }
      audit.record({ ...auditActor(actor), action: 'data-subject.removal', objectType: 'youth', outcome: 'ok', detail: { reason, active, archived } }, ctx.now());
      return { removedActive: active, destroyedArchived: archived, reason };
    }),
  };
}

export type DataSubjectService = ReturnType<typeof createDataSubjectService>;
