import type { RegionContext } from '../services/context.js';
import { noticeMail, type MailNotice } from './notice-mail.js';

/**
 * The persistent queue of notice e-mails. New notices are picked up past a cursor (the notices
 * table's rowid, kept in mail_state) and queued, one mail per notice (notice_id is unique), in
 * one transaction with the cursor move. A mail is claimed for a while before it is sent, marked
 * sent once, and after a failure tried again with growing back-off until it is a dead letter.
 */
export interface MailRow {
  id: number;
  notice_id: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  sent_at: string | null;
  dead_at: string | null;
}

interface NoticeRow {
  rowid: number;
  id: string;
  recipient_kind: 'professional' | 'checker';
  recipient_id: string;
  kind: string;
  match_id: string | null;
  payload: string;
  created_at: string;
}

/** While a mail is being sent it is not due for anyone else. */
const CLAIM_SECONDS = 300;

export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 3600);
}

export function createMailQueue(ctx: RegionContext) {
  const { db, config } = ctx;
  const q = {
    cursor: db.prepare<[], { value: string }>("SELECT value FROM mail_state WHERE key = 'notice_cursor'"),
    setCursor: db.prepare("INSERT INTO mail_state (key, value) VALUES ('notice_cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
    newNotices: db.prepare<[number, number], NoticeRow>(
      'SELECT rowid, id, recipient_kind, recipient_id, kind, match_id, payload, created_at FROM notices WHERE rowid > ? ORDER BY rowid LIMIT ?',
    ),
    professionalEmail: db.prepare<[string], { email: string }>('SELECT email FROM professionals WHERE id = ?'),
    checkerEmail: db.prepare<[string], { email: string }>('SELECT checker_email AS email FROM municipalities WHERE code = ?'),
    insert: db.prepare(
      `INSERT OR IGNORE INTO mail_outbox (notice_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    due: db.prepare<[string, number], MailRow>(
      'SELECT * FROM mail_outbox WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?',
    ),
    claim: db.prepare('UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND sent_at IS NULL AND dead_at IS NULL'),
    sent: db.prepare('UPDATE mail_outbox SET sent_at = ?, last_error = NULL WHERE id = ? AND sent_at IS NULL'),
    retryLater: db.prepare('UPDATE mail_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL'),
    dead: db.prepare('UPDATE mail_outbox SET dead_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL'),
    revive: db.prepare('UPDATE mail_outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ? WHERE id = ? AND dead_at IS NOT NULL'),
    stats: db.prepare<[], { queued: number; sent: number; dead: number; last_sent: string | null }>(
      `SELECT SUM(CASE WHEN sent_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END) AS queued,
              SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
              SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END) AS dead,
              MAX(sent_at) AS last_sent FROM mail_outbox`,
    ),
    deadLetters: db.prepare<[], MailRow>('SELECT * FROM mail_outbox WHERE dead_at IS NOT NULL ORDER BY id DESC LIMIT 100'),
  };
  const iso = (ms: number): string => new Date(ms).toISOString();
  const regionName = config.region.name;

  /** Queues a mail for each notice past the cursor; the cursor moves in the same transaction. */
  const enqueue = db.transaction((limit: number): number => {
    const cursor = Number(q.cursor.get()?.value ?? 0);
    const rows = q.newNotices.all(cursor, limit);
    const now = ctx.now().getTime();
    const oldest = now - config.mail.maxAgeHours * 3_600_000;
    let queued = 0;
    for (const n of rows) {
      const to = n.recipient_kind === 'checker' ? q.checkerEmail.get(n.recipient_id) : q.professionalEmail.get(n.recipient_id);
      if (!to || Date.parse(n.created_at) < oldest || n.kind === 'history-withdrawn') continue;
      const notice: MailNotice = { kind: n.kind, recipientKind: n.recipient_kind, matchId: n.match_id, payload: JSON.parse(n.payload) as MailNotice['payload'] };
      const mail = noticeMail(notice, config.mail.portalBaseUrl, regionName);
      queued += q.insert.run(n.id, to.email, mail.subject, mail.text, iso(now), iso(now)).changes;
    }
    if (rows.length > 0) q.setCursor.run(String(rows[rows.length - 1].rowid));
    return queued;
  });

  const claim = db.transaction((limit: number): MailRow[] => {
    const now = ctx.now().getTime();
    const rows = q.due.all(iso(now), limit);
    for (const r of rows) q.claim.run(iso(now + CLAIM_SECONDS * 1000), r.id);
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  });

  return {
    enqueueNewNotices: (limit = 500): number => enqueue.immediate(limit),
    /** Mails due now, each claimed (attempts counted) so that no other run sends it meanwhile. */
    claimDue: (limit = 20): MailRow[] => claim.immediate(limit),
    markSent: (id: number): boolean => q.sent.run(ctx.now().toISOString(), id).changes === 1,
    /** A failed attempt: again after back-off, or a dead letter after `mail.maxAttempts`. Returns whether it is dead. */
    markFailed(row: MailRow, error: string): boolean {
      const now = ctx.now().getTime();
      if (row.attempts >= config.mail.maxAttempts) {
        q.dead.run(iso(now), error.slice(0, 500), row.id);
        return true;
      }
      q.retryLater.run(iso(now + backoffSeconds(row.attempts) * 1000), error.slice(0, 500), row.id);
      return false;
    },
    /** An administrator sends a dead letter again. */
    retryDead: (id: number): boolean => q.revive.run(ctx.now().toISOString(), id).changes === 1,
    stats: () => {
      const s = q.stats.get()!;
      return { queued: s.queued ?? 0, sent: s.sent ?? 0, dead: s.dead ?? 0, lastSent: s.last_sent };
    },
    deadLetters: () => q.deadLetters.all(),
  };
}

export type MailQueue = ReturnType<typeof createMailQueue>;
