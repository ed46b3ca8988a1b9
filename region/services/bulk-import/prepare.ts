import { z } from 'zod';
import type { BsnVault } from '../../crypto/bsn-vault.js';
import type { CalendarDate } from '../../domain/calendar.js';
import { maskBsns } from '../../domain/bsn.js';
import { checkMigratedSignal } from '../../domain/migrated-signal.js';
import { AppError } from '../../errors.js';
import { parseInput } from '../../http/errors.js';
import { flatJsonReader } from './flat-json.js';
import { eachLine, lineText, MAX_LINE_BYTES, type LineChunk } from './ndjson.js';

/**
 * Turns a chunk of NDJSON lines into rows ready to insert: parse, validate with the rules of
 * domain/migrated-signal.ts, check the municipality and professional, and seal the BSN. Pure
 * apart from the vault's randomness, so it runs the same in the importing thread and in a
 * worker thread (see workers.ts). Nothing here touches the database.
 */
export const signalLine = z.strictObject({
  bsn: z.string({ error: 'must be a string of 9 digits' }),
  birthDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }),
  municipality: z.string({ error: 'must be the 4-digit CBS code of a municipality of the covenant area' }),
  professionalId: z.string({ error: 'must be the id of a professional of the covenant area' }),
  registeredAt: z.iso.datetime({ offset: true, error: 'must be a date-time with its offset, e.g. 2025-03-04T10:15:00+01:00' }),
  removalDate: z.string({ error: 'must be a date in the form YYYY-MM-DD' }).optional(),
  removedAt: z.iso.datetime({ offset: true, error: 'must be a date-time with its offset, e.g. 2025-03-04T10:15:00+01:00' }).optional(),
  removalReason: z.enum(['risk-ended', 'expired'], { error: 'must be risk-ended or expired (only those are archived, 7.1.4.6)' }).optional(),
});
export type SignalLine = z.infer<typeof signalLine>;

/** What the preparing side must know of the covenant area. */
export interface ImportReferences {
  municipalities: string[];
  professionals: { id: string; institutionId: string; authorised: boolean }[];
}

export interface LineProblem {
  line: number;
  code: string;
  message: string;
}

export interface SkippedLine {
  line: number;
  reason: 'removal-date-passed' | 'archive-ended';
}

/** Prepared rows as columns (cheap to pass between threads); `sealed` holds `stride` bytes per row. */
export interface PreparedChunk {
  firstLine: number;
  lineCount: number;
  line: number[];
  youthKey: string[];
  /** The youth keys' 32 bytes, row after row (room for every line of the chunk). */
  youthKeyBytes: Uint8Array;
  sealed: Uint8Array;
  stride: number;
  turns23: string[];
  municipality: string[];
  /** Index into ImportReferences.professionals. */
  professional: number[];
  registeredAt: string[];
  removalDate: (string | null)[];
  removedAt: (string | null)[];
  removalReason: (string | null)[];
  archiveUntil: (string | null)[];
  problems: LineProblem[];
  skipped: SkippedLine[];
}

/** The calendar day of an instant in the covenant's time zone; cached per quarter hour (all zone offsets are multiples of it). */
export function zoneDays(timeZone: string): (ms: number) => CalendarDate {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const cache = new Map<number, CalendarDate>();
  return (ms) => {
    const bucket = Math.floor(ms / 900_000);
    let day = cache.get(bucket);
    if (day === undefined) {
      day = format.format(new Date(bucket * 900_000));
      if (cache.size > 200_000) cache.clear();
      cache.set(bucket, day);
    }
    return day;
  };
}

/** A youth key is an HMAC-SHA-256: 32 bytes (43 characters of base64url). */
export const YOUTH_KEY_BYTES = 32;

export interface Preparer {
  prepare(chunk: LineChunk): PreparedChunk;
}

export function createPreparer(refs: ImportReferences, vault: BsnVault, today: CalendarDate, timeZone: string, nowMs: number): Preparer {
  const municipalities = new Set(refs.municipalities);
  const professionals = new Map(refs.professionals.map((p, i) => [p.id, { ...p, index: i }]));
  const dayOf = zoneDays(timeZone);
  const flatJson = flatJsonReader(Object.keys(signalLine.shape));

  /** The line's JSON value: read from its bytes where that is plain (flat-json.ts), else by JSON.parse; undefined for a blank line. */
  function jsonOf(chunk: LineChunk, line: number, start: number, stop: number): unknown {
    const flat = stop - start <= MAX_LINE_BYTES ? flatJson.parse(chunk.bytes, start, stop) : null;
    if (flat) return flat;
    const text = lineText(chunk, line, start, stop);
    if (text.trim() === '') return undefined;
    if (Buffer.byteLength(text) > MAX_LINE_BYTES) {
      throw new AppError('LINE_TOO_LONG', `the line is longer than ${MAX_LINE_BYTES / 1024} KiB: a signal is one short JSON object`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError('NOT_JSON', 'the line is not a JSON object');
    }
  }

  return {
    prepare(chunk) {
      const out: PreparedChunk = {
        firstLine: chunk.firstLine, lineCount: chunk.lineCount, line: [], youthKey: [], youthKeyBytes: new Uint8Array(new ArrayBuffer(YOUTH_KEY_BYTES * chunk.lineCount)),
        sealed: new Uint8Array(0), stride: 0,
        turns23: [], municipality: [], professional: [], registeredAt: [], removalDate: [], removedAt: [], removalReason: [],
        archiveUntil: [], problems: [], skipped: [],
      };
      const sealed: Buffer[] = [];
      const keyBytes = Buffer.from(out.youthKeyBytes.buffer);
      eachLine(chunk, (line, start, stop) => {
        try {
          const json = jsonOf(chunk, line, start, stop);
          if (json === undefined) return;
          const s = parseInput(signalLine, json, 'line');
          const registeredMs = Date.parse(s.registeredAt);
          const removedMs = s.removedAt === undefined ? undefined : Date.parse(s.removedAt);
          // Later today is the future too (the calendar rules below only see days).
          if (registeredMs > nowMs) throw new AppError('REGISTERED_IN_FUTURE', 'registeredAt lies in the future');
          if (removedMs !== undefined && removedMs > nowMs) throw new AppError('REMOVED_IN_FUTURE', 'removedAt lies in the future');
          const outcome = checkMigratedSignal(
            {
              bsn: s.bsn, birthDate: s.birthDate, registeredOn: dayOf(registeredMs), removalDate: s.removalDate,
              removedOn: removedMs === undefined ? undefined : dayOf(removedMs), removalReason: s.removalReason,
            },
            today,
          );
          if (!municipalities.has(s.municipality)) {
            throw new AppError('UNKNOWN_MUNICIPALITY', `municipality ${s.municipality} is not part of this covenant area`);
          }
          const pro = professionals.get(s.professionalId);
          if (!pro) {
            throw new AppError('UNKNOWN_PROFESSIONAL', `professionalId ${s.professionalId} is not a professional of this covenant area: import the covenant setup first`);
          }
          if (outcome.kind === 'skip') {
            out.skipped.push({ line, reason: outcome.reason });
            return;
          }
          if (outcome.kind === 'active' && !pro.authorised) {
            throw new AppError('PROFESSIONAL_NOT_AUTHORISED', `professional ${s.professionalId} is not authorised to signal: authorise them, or hand their active signals to a colleague in the file`);
          }
          const youthKey = vault.youthKey(s.bsn);
          if (keyBytes.write(youthKey, out.line.length * YOUTH_KEY_BYTES, 'base64url') !== YOUTH_KEY_BYTES) throw new Error('bulk import: a youth key is not 32 bytes');
          out.line.push(line);
          out.youthKey.push(youthKey);
          sealed.push(vault.seal(s.bsn));
          out.turns23.push(outcome.turns23);
          out.municipality.push(s.municipality);
          out.professional.push(pro.index);
          out.registeredAt.push(new Date(registeredMs).toISOString());
          out.removalDate.push(outcome.kind === 'active' ? outcome.removalDate : null);
          const expiredOn = outcome.kind === 'archived' ? outcome.expiredOn : undefined;
          // An expired signal's removal is dated on its removal date: noon UTC lies on that day in the covenant's zone.
          out.removedAt.push(removedMs !== undefined ? new Date(removedMs).toISOString() : expiredOn ? `${expiredOn}T12:00:00.000Z` : null);
          out.removalReason.push(outcome.kind !== 'archived' ? null : expiredOn ? 'expired' : s.removalReason!);
          out.archiveUntil.push(outcome.kind === 'archived' ? outcome.archiveUntil : null);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          out.problems.push({ line, code: err.code, message: maskBsns(err.message) });
        }
      });
      packSealed(out, sealed);
      return out;
    },
  };
}

/** One buffer of its own (transferable to another thread), `stride` bytes per row: a sealed 9-digit BSN always has the same length. */
function packSealed(out: PreparedChunk, sealed: Buffer[]): void {
  if (sealed.length === 0) return;
  const stride = sealed[0].length;
  const all = new Uint8Array(new ArrayBuffer(stride * sealed.length));
  sealed.forEach((s, i) => {
    if (s.length !== stride) throw new Error('bulk import: sealed BSNs differ in length');
    all.set(s, i * stride);
  });
  out.sealed = all;
  out.stride = stride;
}
