import { AppError } from '../errors.js';
import type { BrpProblem } from './schema.js';

/**
 * Why a call to the BRP failed, in two kinds a caller can act on:
 * - BrpUnavailableError: the BRP is down for now (no connection, a timeout, a 5xx, 429, or an
 *   answer we cannot read). Try again later; never conclude anything about the person.
 * - BrpRequestError: the BRP refused this request (a 4xx other than 408/429: bad request,
 *   not authenticated, not authorised). Retrying the same request will not help.
 * Messages are safe to show and to log: no BSN (a 9-digit run from the BRP is masked).
 */
/** 'other-person': an answer about someone else, or about two people (one person's answer, not the BRP being down). */
export type BrpUnavailableReason = 'network' | 'timeout' | 'status' | 'invalid-response' | 'other-person';

export class BrpUnavailableError extends AppError {
  readonly reason: BrpUnavailableReason;
  /** The BRP's HTTP status when it answered (reason 'status' or 'invalid-response'). */
  readonly brpStatus: number | null;

  constructor(reason: BrpUnavailableReason, message: string, brpStatus: number | null = null) {
    super('BRP_UNAVAILABLE', `the population register (BRP) is not available: ${message}; try again later`, 503);
    this.name = 'BrpUnavailableError';
    this.reason = reason;
    this.brpStatus = brpStatus;
  }
}

export class BrpRequestError extends AppError {
  readonly brpStatus: number;
  /** From the problem+json answer (RFC 7807), masked. */
  readonly title: string | null;
  readonly detail: string | null;
  readonly brpCode: string | null;
  readonly invalidParams: { name: string | null; code: string | null; reason: string | null }[];

  constructor(brpStatus: number, problem: BrpProblem | null) {
    const title = problem?.title ? maskBsn(problem.title) : null;
    const detail = problem?.detail ? maskBsn(problem.detail) : null;
    const what = [title, detail].filter(Boolean).join(' ') || 'no explanation given';
    super('BRP_REQUEST_REFUSED', `the population register (BRP) refused the request (HTTP ${brpStatus}${problem?.code ? `, ${problem.code}` : ''}): ${what}`, 502);
    this.name = 'BrpRequestError';
    this.brpStatus = brpStatus;
    this.title = title;
    this.detail = detail;
    this.brpCode = problem?.code ?? null;
    this.invalidParams = (problem?.invalidParams ?? []).map((p) => ({
      name: p.name ?? null,
      code: p.code ?? null,
      reason: p.reason ? maskBsn(p.reason) : null,
    }));
  }
}

/** Replaces any run of 9 digits (a BSN, perhaps) so that an error message can be logged. */
export function maskBsn(text: string): string {
  return text.replace(/\d{9}/g, '[bsn]');
}
