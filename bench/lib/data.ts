import { closeSync, openSync, writeSync } from 'node:fs';
import { INSTITUTION_CATEGORY_CODES } from '../../region/domain/categories.js';
import type { CovenantSetup } from '../../region/services/covenant-schemas.js';

/**
 * Synthetic data for the benchmarks, fast and reproducible: a seeded generator, valid BSNs by
 * the elfproef, a covenant area of any size, and NDJSON files of signals in the import format.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The j-th youth's BSN, distinct for every j >= 0: 8-digit prefixes go in blocks of ten, of which
 * at least nine have a check digit 0-9 (the weight of the last prefix digit is 2, so the ten
 * sums differ mod 11); the j-th BSN is the (j mod 9)-th valid one of block j / 9.
 */
export function bsnOf(j: number): string {
  const block = 1_000_000 + Math.floor(j / 9);
  let wanted = j % 9;
  for (let d = 0; d < 10; d++) {
    const prefix = String(block * 10 + d);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (prefix.charCodeAt(i) - 48) * (9 - i);
    const check = sum % 11;
    if (check === 10) continue;
    if (wanted-- === 0) return prefix + String(check);
  }
  throw new Error('unreachable: every block has nine valid numbers');
}

export interface AreaSize {
  municipalities: number;
  institutions: number;
  professionalsPerInstitution: number;
}

export function municipalityCode(i: number): string {
  return String(100 + i).padStart(4, '0');
}

export function covenantSetup(size: AreaSize): CovenantSetup {
  const contact = (who: string) => ({ name: who, email: `${who.toLowerCase()}@example.org`, phone: '030-1234567' });
  return {
    municipalities: Array.from({ length: size.municipalities }, (_, i) => ({ code: municipalityCode(i), name: `Gemeente ${i}`, checker: contact(`checker${i}`) })),
    institutions: Array.from({ length: size.institutions }, (_, i) => ({
      name: `Instelling ${i}`,
      category: INSTITUTION_CATEGORY_CODES[i % INSTITUTION_CATEGORY_CODES.length],
      professionals: Array.from({ length: size.professionalsPerInstitution }, (_, j) => ({ ...contact(`p${i}x${j}`), function: 'Jeugdconsulent' })),
    })),
  };
}

const DAY = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A youth's birth date: from its number, aged 6 to 20 on `now`, so under 23 for years to come. */
export function birthDateOf(j: number, nowMs: number): string {
  return isoDay(nowMs - (6 * 365 + ((j * 7919) % (14 * 365))) * DAY);
}

export interface SignalsFileOptions {
  count: number;
  /** Youths are numbered from `firstYouth`; each line picks one of `youths` at random (so about 26% of youths get two or more signals). */
  firstYouth: number;
  youths: number;
  professionalIds: string[];
  municipalities: number;
  now: Date;
  kind: 'active' | 'archived';
  seed: number;
}

/** Writes an NDJSON file of signals in the import format; returns its size in bytes. */
export function writeSignalsFile(file: string, o: SignalsFileOptions): number {
  const rnd = prng(o.seed);
  const nowMs = o.now.getTime();
  const fd = openSync(file, 'w');
  let bytes = 0;
  let buffer = '';
  try {
    for (let i = 0; i < o.count; i++) {
      const j = o.firstYouth + Math.floor(rnd() * o.youths);
      const line: Record<string, string> = {
        bsn: bsnOf(j),
        birthDate: birthDateOf(j, nowMs),
        municipality: municipalityCode(j % o.municipalities),
        professionalId: o.professionalIds[Math.floor(rnd() * o.professionalIds.length)],
      };
      if (o.kind === 'active') {
        // Registered in the last 650 days: its term (700 days, or the legal two years) has not ended.
        const registered = nowMs - Math.floor(rnd() * 650 * DAY) - DAY;
        line.registeredAt = new Date(registered).toISOString();
        if (i % 2 === 0) line.removalDate = isoDay(registered + 700 * DAY);
      } else {
        // Registered 2 to 4 years ago, removed 30 to 700 days later: still within its 5-year archive.
        const registered = nowMs - (730 + Math.floor(rnd() * 730)) * DAY;
        line.registeredAt = new Date(registered).toISOString();
        line.removedAt = new Date(registered + (30 + Math.floor(rnd() * 670)) * DAY).toISOString();
        line.removalReason = i % 2 === 0 ? 'risk-ended' : 'expired';
      }
      buffer += JSON.stringify(line) + '\n';
      if (buffer.length > 1 << 20) {
        bytes += writeSync(fd, buffer);
        buffer = '';
      }
    }
    if (buffer) bytes += writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
