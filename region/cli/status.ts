import { resolve } from 'node:path';
import type { RegionConfig } from '../../config/load.js';
import type { Db } from '../store/db.js';
import { databaseFile } from './run.js';

/** What `region status` reports: which index this is, and how much it holds. No personal data. */
export interface RegionStatus {
  region: { id: string; name: string };
  mode: string;
  dataDir: string;
  database: string;
  schemaVersion: number;
  counts: {
    municipalities: number;
    institutions: number;
    authorisedProfessionals: number;
    activeSignals: number;
    archivedSignals: number;
    activeMatches: number;
    unreadNotices: number;
    auditEntries: number;
  };
}

type CountName = keyof RegionStatus['counts'];

const COUNT_QUERIES: Record<CountName, string> = {
  municipalities: 'SELECT count(*) FROM municipalities',
  institutions: 'SELECT count(*) FROM institutions',
  authorisedProfessionals: 'SELECT count(*) FROM professionals WHERE authorised = 1',
  activeSignals: "SELECT count(*) FROM signals WHERE status = 'active'",
  archivedSignals: "SELECT count(*) FROM signals WHERE status = 'archived'",
  activeMatches: "SELECT count(*) FROM matches WHERE status = 'active'",
  unreadNotices: "SELECT count(*) FROM notices WHERE read_at IS NULL AND kind <> 'history-withdrawn'",
  auditEntries: 'SELECT count(*) FROM audit_log',
};

const COUNT_LABELS: Record<CountName, string> = {
  municipalities: 'municipalities',
  institutions: 'institutions',
  authorisedProfessionals: 'authorised professionals',
  activeSignals: 'active signals',
  archivedSignals: 'archived signals',
  activeMatches: 'active matches',
  unreadNotices: 'unread notices',
  auditEntries: 'audit entries',
};

export function regionStatus(config: RegionConfig, db: Db): RegionStatus {
  const counts = {} as RegionStatus['counts'];
  for (const name of Object.keys(COUNT_QUERIES) as CountName[]) {
    counts[name] = db.prepare(COUNT_QUERIES[name]).pluck().get() as number;
  }
  return {
    region: { id: config.region.id, name: config.region.name },
    mode: config.mode,
    dataDir: resolve(config.dataDir),
    database: databaseFile(config),
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    counts,
  };
}

/** A two-column table an operator reads at a glance. */
export function statusTable(status: RegionStatus): string[] {
  const rows: [string, string][] = [
    ['region', `${status.region.id} (${status.region.name})`],
    ['mode', status.mode],
    ['data dir', status.dataDir],
    ['schema version', String(status.schemaVersion)],
    ...(Object.keys(COUNT_LABELS) as CountName[]).map((name): [string, string] => [COUNT_LABELS[name], String(status.counts[name])]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`);
}
