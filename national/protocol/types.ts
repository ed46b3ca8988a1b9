/**
 * The sync protocol between a region's connector and the national index, as typed values.
 * The XML codec (codec.ts) is the only place these become or come from XML.
 */
export const PROTOCOL_VERSION = '1.2';
export const NS = 'urn:nl:verwijsindex:sync:1';
export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA_NS = 'http://www.w3.org/2005/08/addressing';

export const OPERATIONS = ['LeverMeldingen', 'HaalMatches', 'Reconcilieer', 'HaalMatchstand', 'Status'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const actionOf = (op: Operation): string => `${NS}:${op}`;

export type SignalEventKind = 'registered' | 'extended' | 'removed';
export type WireRemovalReason = 'unjustified' | 'risk-ended' | 'objection' | 'correction' | 'expired' | 'age-23' | 'death';

export interface ProfessionalContact {
  id: string;
  name: string;
  function: string;
  email: string;
  phone: string;
  institution: string;
}

export interface SignalEvent {
  eventId: string;
  kind: SignalEventKind;
  signalId: string;
  occurredAt: string;
  /** registered: who, whom, when, until when. */
  bsn?: string;
  turns23On?: string;
  municipality?: string;
  professional?: ProfessionalContact;
  registeredAt?: string;
  /** registered and extended. */
  removalDate?: string;
  /** removed. */
  reason?: WireRemovalReason;
}

export interface DeliverRequest {
  region: string;
  events: SignalEvent[];
}

export type AckResult = 'accepted' | 'duplicate' | 'rejected';
export interface Ack {
  eventId: string;
  result: AckResult;
  code?: string;
  message?: string;
}
export interface DeliverResponse {
  acks: Ack[];
}

export interface FetchRequest {
  region: string;
  after: number;
  max: number;
  waitSeconds: number;
}

export type MatchEventKind = 'arose' | 'joined' | 'left' | 'ended';
export interface Participant {
  key: string;
  region: string;
  signalId: string;
  professional: ProfessionalContact;
  registeredAt: string;
}
export interface MatchEvent {
  seq: number;
  kind: MatchEventKind;
  matchId: string;
  family: boolean;
  /** The receiving region's own signals in this match. */
  ownSignalIds: string[];
  /** arose: every participant; joined: the newcomer; left: the one who left; ended: none. */
  participants: Participant[];
}
export interface FetchResponse {
  head: number;
  resyncNeeded: boolean;
  events: MatchEvent[];
}

export interface ReconcileRequest {
  region: string;
  /**
   * A page of the digest: the region's active signals with ids after `after` (exclusive) up to
   * `upTo` (inclusive); absent bounds are open. Without either, the digest is whole.
   */
  after?: string;
  upTo?: string;
  /** false: the answer has no matches (the region reads them with HaalMatchstand). Absent: true, as in protocol 1.0. */
  withMatches?: boolean;
  signals: { signalId: string; removalDate: string }[];
}
export interface ReconcileResponse {
  /** Active in the region, unknown or different at the national index: the region sends them again. */
  missing: string[];
  /** Active at the national index, not in the region: the region sends their removal. */
  surplus: string[];
  head: number;
  /** The region's current national matches, as 'arose' snapshots. */
  matches: MatchEvent[];
}

export interface MatchSnapshotRequest {
  region: string;
  /** The page after this national match id (exclusive); absent: the first page. */
  after?: string;
  /**
   * Protocol 1.2, on the first page: read every page from the point in time of this one. The
   * answer then names the held snapshot (`snapshotId`) when it has more pages.
   */
  pointInTime?: boolean;
  /** Protocol 1.2, on a later page: the snapshot the first page's answer named. */
  snapshotId?: string;
  max: number;
}
export interface MatchSnapshotResponse {
  /** The region's feed head when the page was read: pages read at different heads are not one snapshot. */
  head: number;
  /** More matches follow this page. */
  more: boolean;
  /**
   * Protocol 1.2: the held snapshot the next pages are read from (asked for with `pointInTime`;
   * absent when the national index holds as many snapshots as it will, and the pages are then read
   * at the current state, as in 1.1).
   */
  snapshotId?: string;
  /** The page: the region's current national matches, as 'arose' snapshots, in order of match id. */
  matches: MatchEvent[];
}

export interface StatusRequest {
  region?: string;
}
export interface StatusResponse {
  status: 'ok';
  protocolVersion: string;
  time: string;
}

export interface RequestMap {
  LeverMeldingen: DeliverRequest;
  HaalMatches: FetchRequest;
  Reconcilieer: ReconcileRequest;
  HaalMatchstand: MatchSnapshotRequest;
  Status: StatusRequest;
}
export interface ResponseMap {
  LeverMeldingen: DeliverResponse;
  HaalMatches: FetchResponse;
  Reconcilieer: ReconcileResponse;
  HaalMatchstand: MatchSnapshotResponse;
  Status: StatusResponse;
}

/** A SOAP Fault: faultcode Client (the caller's mistake) or Server, with a stable code. */
export class SyncFault extends Error {
  /** The MessageID of the request it answers, when the envelope could be read that far (wsa:RelatesTo). */
  relatesTo?: string;

  constructor(
    readonly side: 'Client' | 'Server',
    readonly code: string,
    message: string,
    readonly httpStatus = side === 'Client' ? 400 : 500,
  ) {
    super(message);
    this.name = 'SyncFault';
  }
}

/** A Fault the other side sent in its answer (as opposed to an answer this side could not read). */
export class RemoteFault extends SyncFault {}

export const MAX_BATCH = 1000;
export const MAX_WAIT_SECONDS = 25;
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
