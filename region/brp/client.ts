import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { isCalendarDate, type CalendarDate } from '../domain/calendar.js';
import { AppError } from '../errors.js';
import { BrpRequestError, BrpUnavailableError } from './errors.js';
import { personFromBrp, type Person } from './person.js';
import { brpProblem, PERSON_FIELDS, raadpleegResponse, volgindicatieResponse, wijzigingenResponse, type BrpPersoon, type BrpProblem } from './schema.js';

/**
 * Clients for the BRP over HTTP (undici): BRP API Personen (`POST /personen`, query
 * RaadpleegMetBurgerservicenummer) and the BRP Update API (`PUT /volgindicaties/{bsn}`,
 * `GET /wijzigingen`), as published in ../shared/reference/. Every answer is checked against
 * region/brp/schema.ts before it is used. Every call is bounded by timeoutMs in total
 * (connect, headers and body), so "BRP down" is known quickly.
 */
export interface BrpHttpOptions {
  /** The API's base URL, e.g. https://proefomgeving.haalcentraal.nl/haalcentraal/api/brp */
  baseUrl: string;
  apiKey: string;
  /** The header that carries the API key, e.g. X-API-KEY. */
  apiKeyHeader: string;
  timeoutMs: number;
  /** undici dispatcher (tests, proxies); the global one by default. */
  dispatcher?: Dispatcher;
}

export interface BrpPersonenClient {
  /** RaadpleegMetBurgerservicenummer for 1 to 20 BSNs: the persons the BRP knows (the others are absent). */
  raadpleeg(bsns: string[], options?: { gemeenteVanInschrijving?: string }): Promise<BrpPersoon[]>;
  /** One person, mapped to what we hold; null when the BRP does not know the BSN. */
  lookup(bsn: string): Promise<Person | null>;
}

export interface Volgindicatie {
  bsn: string;
  begindatum: CalendarDate | null;
  einddatum: CalendarDate | null;
}

export interface BrpUpdateClient {
  /** Places (or changes) a volgindicatie; without einddatum it has no end (an existing end date is removed). */
  follow(bsn: string, einddatum?: CalendarDate): Promise<Volgindicatie>;
  /** Ends a volgindicatie: the spec's way is an einddatum of today. */
  endFollow(bsn: string, today: CalendarDate): Promise<Volgindicatie>;
  /** The followed persons whose data changed on or after `vanaf` (the BRP says which, not when). */
  wijzigingen(vanaf: CalendarDate): Promise<string[]>;
}

const MAX_BSNS_PER_QUERY = 20;

export function createBrpPersonenClient(options: BrpHttpOptions): BrpPersonenClient {
  const raadpleeg: BrpPersonenClient['raadpleeg'] = async (bsns, query = {}) => {
    if (bsns.length < 1 || bsns.length > MAX_BSNS_PER_QUERY) throw new AppError('INVALID_REQUEST', `ask the BRP for 1 to ${MAX_BSNS_PER_QUERY} BSNs at a time`, 400);
    bsns.forEach(checkBsn);
    const body = {
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: bsns,
      fields: [...PERSON_FIELDS],
      ...(query.gemeenteVanInschrijving ? { gemeenteVanInschrijving: query.gemeenteVanInschrijving } : {}),
    };
    const answer = await brpCall(options, 'POST', '/personen', body, raadpleegResponse);
    return answer.personen ?? [];
  };
  return {
    raadpleeg,
    async lookup(bsn) {
      const personen = await raadpleeg([bsn]);
      // An answer about someone else, or about two people, says nothing about this youth: as for any
      // answer outside the specification, nothing is concluded (not "unknown", not "deceased").
      const found = personen.filter((p) => p.burgerservicenummer === bsn);
      if (found.length !== personen.length || found.length > 1) {
        throw new BrpUnavailableError('other-person', `POST /personen answered with ${personen.length} persons, ${found.length} of them the one asked for`);
      }
      return found.length === 1 ? personFromBrp(found[0]) : null;
    },
  };
}

export function createBrpUpdateClient(options: BrpHttpOptions): BrpUpdateClient {
  const put = async (bsn: string, einddatum: CalendarDate | undefined): Promise<Volgindicatie> => {
    checkBsn(bsn);
    if (einddatum !== undefined && !isCalendarDate(einddatum)) throw new AppError('INVALID_DATE', 'einddatum must be a date YYYY-MM-DD', 400);
    const answer = await brpCall(options, 'PUT', `/volgindicaties/${bsn}`, einddatum ? { einddatum } : {}, volgindicatieResponse);
    return { bsn: answer.burgerservicenummer ?? bsn, begindatum: answer.begindatum ?? null, einddatum: answer.einddatum ?? null };
  };
  return {
    follow: (bsn, einddatum) => put(bsn, einddatum),
    endFollow: (bsn, today) => put(bsn, today),
    async wijzigingen(vanaf) {
      if (!isCalendarDate(vanaf)) throw new AppError('INVALID_DATE', 'vanaf must be a date YYYY-MM-DD', 400);
      const answer = await brpCall(options, 'GET', `/wijzigingen?vanaf=${vanaf}`, undefined, wijzigingenResponse);
      return [...new Set(answer.burgerservicenummers ?? [])];
    },
  };
}

function checkBsn(bsn: string): void {
  if (!/^[0-9]{9}$/.test(bsn)) throw new AppError('INVALID_BSN', 'a BSN is 9 digits', 400);
}

/** One call: sends, bounds it in time, classifies failures, checks the answer against `schema`. */
async function brpCall<S extends z.ZodType>(options: BrpHttpOptions, method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method,
      headers: {
        accept: 'application/json, application/hal+json, application/problem+json',
        [options.apiKeyHeader.toLowerCase()]: options.apiKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal,
      dispatcher: options.dispatcher,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    throw failure(err, signal, callName(method, path), options.timeoutMs);
  }
  const where = callName(method, path);
  if (status >= 500 || status === 408 || status === 429) {
    throw new BrpUnavailableError('status', `${where} answered HTTP ${status}`, status);
  }
  if (status >= 400) throw new BrpRequestError(status, problemOf(text));
  if (status < 200 || status > 299) throw new BrpUnavailableError('invalid-response', `${where} answered HTTP ${status}`, status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BrpUnavailableError('invalid-response', `${where} answered with something that is not JSON`, status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BrpUnavailableError('invalid-response', `${where} answered outside the specification (${issue.path.join('.') || 'body'}: ${issue.message})`, status);
  }
  return parsed.data;
}

function problemOf(text: string): BrpProblem | null {
  try {
    const parsed = brpProblem.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The call as the specification names it, without a BSN or query: "PUT /volgindicaties/{burgerservicenummer}". */
function callName(method: string, path: string): string {
  return `${method} ${path.replace(/\d{9}/, '{burgerservicenummer}').replace(/\?.*$/, '')}`;
}

function failure(err: unknown, signal: AbortSignal, where: string, timeoutMs: number): BrpUnavailableError {
  const code = (err as { code?: string }).code ?? '';
  if (signal.aborted || /TIMEOUT/.test(code) || (err as Error).name === 'TimeoutError') {
    return new BrpUnavailableError('timeout', `${where} gave no answer within ${timeoutMs} ms`);
  }
  return new BrpUnavailableError('network', `${where} could not be reached (${code || (err as Error).name})`);
}
