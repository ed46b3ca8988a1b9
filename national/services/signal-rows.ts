import type { MatchEvent, Participant, ProfessionalContact } from '../protocol/types.js';

/**
 * A signal as the national index holds it, and the match events built from such rows: what every
 * region is told about a participant, the same whichever change of the index tells it.
 */
export interface SignalRow {
  region_id: string;
  signal_id: string;
  youth_key: string | null;
  turns23_on: string | null;
  professional: string | null;
  registered_at: string;
  removal_date: string | null;
  status: string;
  removal_reason: string | null;
}
/** The columns of a SignalRow (not the sealed BSN: reading it costs a Buffer per row, and no rule here needs it). */
export const SIGNAL_COLUMNS = 'region_id, signal_id, youth_key, turns23_on, professional, registered_at, removal_date, status, removal_reason';

/** A signal or professional across regions: ids are unique within their region only. */
export const key = (region: string, id: string): string => `${region}:${id}`;

export function participant(row: SignalRow): Participant {
  return { key: key(row.region_id, row.signal_id), region: row.region_id, signalId: row.signal_id, professional: JSON.parse(row.professional!) as ProfessionalContact, registeredAt: row.registered_at };
}

/** A match that arose, as `region` is told: its own signals in it, and every participant. */
export function arose(matchId: string, rows: SignalRow[], region: string): Omit<MatchEvent, 'seq'> {
  return { kind: 'arose', matchId, family: false, ownSignalIds: rows.filter((r) => r.region_id === region).map((r) => r.signal_id), participants: rows.map(participant) };
}
