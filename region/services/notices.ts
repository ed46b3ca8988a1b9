import type { RegionContext } from './context.js';
import { uuid7 } from '../store/ids.js';

/**
 * Notices to professionals and to municipal checkers (7.1.2.3, 7.1.3.2, 7.1.4.6). A notice holds
 * only ids; the contact details of the other professionals are read when the notice is read,
 * so a notice never carries a BSN and always shows current contact details.
 */
export type NoticeKind =
  | 'match'
  | 'participant-joined'
  | 'participant-left'
  | 'participant-changed'
  | 'history'
  | 'informing-reminder'
  | 'handover'
  | 'regievoerder'
  | 'move';

/** A professional of another region, as the national index reported them. */
export interface RemoteContact {
  name: string;
  function: string;
  email: string;
  phone: string;
  institution: { id: null; name: string };
  region: string;
}

export interface NoticePayload {
  /** Professionals of other regions the notice is about (cross-region matches). */
  remote?: RemoteContact[];
  family?: boolean;
  /** The other professionals the notice is about. */
  professionalIds?: string[];
  matchEnded?: boolean;
  /** history: the archived signal and when it ran. */
  archivedSignalId?: string;
  registeredAt?: string;
  removedAt?: string;
  /** informing-reminder and handover: the signal(s) concerned. */
  signalId?: string;
  signalIds?: string[];
  /** checker notices: the municipality and how many professionals. */
  municipality?: string;
  participantCount?: number;
  /** move: whether the new municipality is part of this covenant area. */
  inArea?: boolean;
}

interface NoticeRow {
  id: string;
  kind: NoticeKind;
  match_id: string | null;
  payload: string;
  created_at: string;
  read_at: string | null;
}

interface ContactRow {
  id: string;
  name: string;
  function: string;
  email: string;
  phone: string;
  institution_id: string;
  institution_name: string;
}

export interface ProfessionalContact {
  name: string;
  function: string;
  email: string;
  phone: string;
  institution: { id: string; name: string };
}

export function createNoticeService(ctx: RegionContext) {
  const { db } = ctx;
  const q = {
    insert: db.prepare(
      `INSERT INTO notices (id, recipient_kind, recipient_id, kind, match_id, payload, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    forRecipient: db.prepare<[string, string], NoticeRow>(
      "SELECT id, kind, match_id, payload, created_at, read_at FROM notices WHERE recipient_kind = ? AND recipient_id = ? AND kind <> 'history-withdrawn' ORDER BY created_at DESC, rowid DESC",
    ),
    markRead: db.prepare('UPDATE notices SET read_at = ? WHERE recipient_kind = ? AND recipient_id = ? AND read_at IS NULL'),
    // The signals through which a professional is (or was) in a match: none left but erased ones, and
    // the professional is no longer named in that match's notices (7.1.4.6: an erased signal leaves no trace).
    statusesIn: db.prepare<[string, string], string>(
      'SELECT s.status FROM match_participants mp JOIN signals s ON s.id = mp.signal_id WHERE mp.match_id = ? AND mp.professional_id = ?',
    ).pluck(),
    contact: db.prepare<[string], ContactRow>(
      `SELECT p.id, p.name, p.function, p.email, p.phone, i.id AS institution_id, i.name AS institution_name
       FROM professionals p JOIN institutions i ON i.id = p.institution_id WHERE p.id = ?`,
    ),
  };

  function namedIn(matchId: string | null, professionalId: string): boolean {
    if (matchId === null) return true;
    const statuses = q.statusesIn.all(matchId, professionalId);
    return statuses.length === 0 || statuses.some((s) => s !== 'removed');
  }

  function contactOf(professionalId: string): ProfessionalContact | null {
    const c = q.contact.get(professionalId);
    if (!c) return null;
    return { name: c.name, function: c.function, email: c.email, phone: c.phone, institution: { id: c.institution_id, name: c.institution_name } };
  }

  return {
    contactOf,
    toProfessional(professionalId: string, kind: NoticeKind, matchId: string | null, payload: NoticePayload): void {
      q.insert.run(uuid7(), 'professional', professionalId, kind, matchId, JSON.stringify(payload), ctx.now().toISOString());
    },
    toChecker(municipality: string, kind: NoticeKind, matchId: string | null, payload: NoticePayload): void {
      q.insert.run(uuid7(), 'checker', municipality, kind, matchId, JSON.stringify(payload), ctx.now().toISOString());
    },
    /** The recipient's notices, newest first, rendered with current contact details; marks them read. */
    readAll: db.transaction((recipientKind: 'professional' | 'checker', recipientId: string, institutionId: string | null = null, reader?: { adminTokenId: string }) => {
      const rows = q.forRecipient.all(recipientKind, recipientId);
      // The recipient reading marks them read; the covenant administrator looking on does not.
      if (!reader) q.markRead.run(ctx.now().toISOString(), recipientKind, recipientId);
      ctx.audit.record(
        reader
          ? { actorKind: 'admin', actorId: reader.adminTokenId, action: 'notice.list', objectType: recipientKind, objectId: recipientId, outcome: 'ok', detail: { count: rows.length } }
          : { actorKind: recipientKind, actorId: recipientId, institutionId, action: 'notice.list', objectType: 'notice', outcome: 'ok', detail: { count: rows.length } },
        ctx.now(),
        // A notice shows who else is in a match: reading it is an access to that match.
        [...new Set(rows.map((r) => r.match_id).filter((id): id is string => id !== null))].map((id) => ({ type: 'match', id })),
      );
      return rows.map((row) => {
        const p = JSON.parse(row.payload) as NoticePayload;
        return {
          id: row.id,
          kind: row.kind,
          matchId: row.match_id,
          createdAt: row.created_at,
          read: row.read_at !== null,
          family: p.family ?? false,
          ...(p.matchEnded !== undefined ? { matchEnded: p.matchEnded } : {}),
          ...(p.professionalIds || p.remote
            ? { professionals: [...(p.professionalIds ?? []).filter((id) => namedIn(row.match_id, id)).map(contactOf).filter((c) => c !== null), ...(p.remote ?? [])] }
            : {}),
          ...(p.archivedSignalId ? { archivedSignal: { registeredAt: p.registeredAt, removedAt: p.removedAt } } : {}),
          ...(p.signalId ? { signalId: p.signalId } : {}),
          ...(p.signalIds ? { signalIds: p.signalIds } : {}),
          ...(p.municipality ? { municipality: p.municipality } : {}),
          ...(p.participantCount !== undefined ? { participantCount: p.participantCount } : {}),
          ...(p.inArea !== undefined ? { inArea: p.inArea } : {}),
        };
      });
    }),
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
