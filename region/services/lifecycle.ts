import { auditActor, today, type RegionContext } from './context.js';
import type { NoticeService } from './notices.js';
import type { SignalService } from './signals.js';
import type { Outbox } from './outbox.js';
import type { RemovalReason } from '../domain/removal.js';

/**
 * What the index does by itself as time passes (7.1.4.5, 7.1.4.6, 7.1.5.1):
 * - an active signal whose removal date has come is removed: archived when its term expired,
 *   not archived when the removal date is the youth's 23rd birthday;
 * - an archived signal is destroyed when its archive ends (5 years, or the 23rd birthday), and
 *   at once when the youth dies or a data subject's objection or correction is granted: that
 *   destruction is sent to the national index as a removal for that reason (its archive ends
 *   by its own clock otherwise);
 * - a signal not informed after N days gives its professional one reminder;
 * - an outbox event delivered to the national index more than `national.deliveredRetentionDays`
 *   ago is deleted (its sealed event was erased at delivery; dead letters stay for the operator).
 * Each signal is removed in its own transaction, so a run stopped mid-way leaves no half state
 * and the next run finishes the work.
 */
export interface RemovalCounts {
  [k: string]: number;
  expired: number;
  age23: number;
  archiveDestroyed: number;
  idempotencyKeysPruned: number;
  deliveredEventsPruned: number;
}

export function createLifecycleService(ctx: RegionContext, signals: SignalService, notices: NoticeService, outbox: Outbox) {
  const { db, audit } = ctx;
  const q = {
    dueActive: db.prepare<[string], { id: string; removal_date: string; turns23_on: string }>(
      "SELECT id, removal_date, turns23_on FROM signals WHERE status = 'active' AND removal_date <= ? ORDER BY removal_date, id",
    ),
    dueArchive: db.prepare<[string], { id: string }>("SELECT id FROM signals WHERE status = 'archived' AND archive_until <= ? ORDER BY archive_until, id"),
    destroy: db.prepare(
      `UPDATE signals SET status = 'removed', youth_key = NULL, bsn_sealed = NULL, turns23_on = NULL, archive_until = NULL
       WHERE id = ? AND status = 'archived'`,
    ),
    // The history notices that named the archived signal (its professional and dates) to others who signalled the youth since:
    // emptied and marked withdrawn, not deleted (a deleted last row's rowid would be used again, and the mail queue reads by rowid).
    dropHistoryNotices: db.prepare("UPDATE notices SET kind = 'history-withdrawn', payload = '{}' WHERE kind = 'history' AND json_extract(payload, '$.archivedSignalId') = ?"),
    notInformed: db.prepare<[string], { id: string; professional_id: string }>(
      `SELECT s.id, s.professional_id FROM signals s LEFT JOIN signal_informing i ON i.signal_id = s.id
       WHERE s.status = 'active' AND i.signal_id IS NULL AND s.informing_reminded_at IS NULL AND s.registered_at <= ?`,
    ),
    markReminded: db.prepare('UPDATE signals SET informing_reminded_at = ? WHERE id = ?'),
    pruneIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
    pruneDelivered: db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?'),
  };
  const system = { kind: 'system' } as const;

  /**
   * Destroys an archived signal: at the archive's end, or before it for `early` (death, objection,
   * correction). The history notices it gave go with it: they would keep who signalled the youth,
   * and when, past the archive.
   */
  const destroyArchived = db.transaction((id: string, early?: RemovalReason) => {
    if (q.destroy.run(id).changes === 0) return false;
    q.dropHistoryNotices.run(id);
    if (early) outbox.removed(id, early);
    audit.record({ ...auditActor(system), action: 'signal.archive-destroy', objectType: 'signal', objectId: id, outcome: 'ok', detail: early ? { reason: early } : null }, ctx.now());
    return true;
  });

  const remindTx = db.transaction((cutoff: string) => {
    let n = 0;
    for (const s of q.notInformed.all(cutoff)) {
      notices.toProfessional(s.professional_id, 'informing-reminder', null, { signalId: s.id });
      q.markReminded.run(ctx.now().toISOString(), s.id);
      n++;
    }
    if (n > 0) audit.record({ ...auditActor(system), action: 'lifecycle.informing-reminders', outcome: 'ok', detail: { reminders: n } }, ctx.now());
    return n;
  });

  return {
    destroyArchived: (id: string, early?: RemovalReason): boolean => destroyArchived(id, early),
    /** One removal run; `heartbeat` is called after every signal (renews the job's lease). */
    runRemoval(heartbeat: () => void = () => {}): RemovalCounts {
      const day = today(ctx);
      const counts: RemovalCounts = { expired: 0, age23: 0, archiveDestroyed: 0, idempotencyKeysPruned: 0, deliveredEventsPruned: 0 };
      for (const s of q.dueActive.all(day)) {
        const atTwentyThree = s.removal_date >= s.turns23_on;
        signals.removeBySystem(s.id, atTwentyThree ? 'age-23' : 'expired');
        counts[atTwentyThree ? 'age23' : 'expired']++;
        ctx.onStep?.('signal-removed', s.id);
        heartbeat();
      }
      for (const s of q.dueArchive.all(day)) {
        if (destroyArchived(s.id)) counts.archiveDestroyed++;
        heartbeat();
      }
      const idemCutoff = new Date(ctx.now().getTime() - ctx.config.idempotency.retentionHours * 3_600_000).toISOString();
      counts.idempotencyKeysPruned = q.pruneIdempotency.run(idemCutoff).changes;
      const deliveredCutoff = new Date(ctx.now().getTime() - ctx.config.national.deliveredRetentionDays * 86_400_000).toISOString();
      counts.deliveredEventsPruned = q.pruneDelivered.run(deliveredCutoff).changes;
      audit.record({ ...auditActor(system), action: 'lifecycle.removal-run', outcome: 'ok', detail: counts }, ctx.now());
      return counts;
    },

    /** One reminder per signal not informed within `informingReminderDays` of registration (7.1.5.1). */
    runInformingReminders(): { reminders: number } {
      const cutoff = new Date(ctx.now().getTime() - ctx.config.lifecycle.informingReminderDays * 86_400_000).toISOString();
      return { reminders: remindTx(cutoff) };
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
