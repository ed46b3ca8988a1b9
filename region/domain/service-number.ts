import { createHash } from 'node:crypto';
import { isCalendarDate, type CalendarDate } from './calendar.js';

/**
 * The verwijsindexservicenummer (Besluit Jeugdwet 7.3.1): the number the index derives for a
 * youth without a BSN from family name, birth date and sex, so that two professionals who
 * register the same youth meet, in any region.
 *
 * The rule (version 1), also in docs/brp.md:
 * 1. Family name, normalised (normaliseFamilyName): letters only, lower case, diacritics
 *    removed (é → e, ß → ss, ø → o, ...); spaces, hyphens, apostrophes and dots separate words;
 *    every word that is a voorvoegsel (VOORVOEGSELS: "van", "der", "de", "'t", "von", "el", ...)
 *    is dropped wherever it stands, and the other words are joined. "van der Berg",
 *    "Van Der Berg", "v.d. Berg" and "Berg, van der" are all "berg"; "Jansen-de Vries" and
 *    "Jansen de Vries" are "jansenvries". A name of voorvoegsels only keeps its words.
 * 2. Birth date: a full date YYYY-MM-DD (a youth without a known day cannot get a number).
 * 3. Sex: M (man), V (vrouw) or O (onbekend), the BRP's codes.
 * 4. SHA-256 of `vir-vsn-v1|<name>|<birth date>|<sex>` (UTF-8), unkeyed: every region and the
 *    national index derive the same number, so it must not depend on any region's key. The
 *    first 40 bits, in Crockford base 32 (0-9 and A-Z without I, L, O, U), follow the letter V.
 *
 * The result is 9 characters, "V" then 8 of that alphabet, e.g. V3K7Q0M2D. It can never be a
 * valid BSN: a BSN is 9 digits, this starts with a letter. Nor can a typed BSN be taken for it.
 *
 * Deliberately exact, not phonetic (no ij = y, no "ck" = "k"): a false match tells a
 * professional about another child, which is worse than a missed one. The number is
 * pseudonymous, not secret (anyone with the name, date and sex can derive it): the index
 * treats it as personal data exactly like a BSN (sealed, blind-indexed, never logged).
 * Collisions: 2^40 values; among 10,000 such youths the chance of any two sharing one is
 * about 1 in 20,000, and even then name, date and sex would differ.
 */
export type Sex = 'M' | 'V' | 'O';

export interface ServiceNumberInput {
  familyName: string;
  birthDate: CalendarDate;
  sex: Sex;
}

export const SERVICE_NUMBER_PATTERN = /^V[0-9A-HJKMNP-TV-Z]{8}$/;

/**
 * The words name particles (voorvoegsels) are made of, dropped from the family name: the
 * Dutch, German, French, Italian, Spanish, Portuguese and Arabic particles of the kind the
 * BRP's table of voorvoegsels holds ("van der", "'t", "von", "de la", "el"), split into single
 * words, and the abbreviations people type. Lower case, without diacritics. This list is part
 * of version 1 of the rule: every region must use the same one, so changing it means a new
 * version (a new prefix in the hashed text), never an edit.
 */
export const VOORVOEGSELS: ReadonlySet<string> = new Set([
  'a', 'aan', 'al', 'am', 'an', 'auf', 'aus', 'ben', 'bij', 'd', 'da', 'dal', 'dalla', 'das', 'de', 'dei', 'del', 'della', 'dem', 'den',
  'der', 'des', 'di', 'die', 'do', 'dos', 'du', 'el', 'het', 'im', 'in', 'l', 'la', 'las', 'le', 'les', 'lo', 'los', 'onder', 'op',
  'over', 's', 't', 'te', 'ten', 'ter', 'tho', 'thoe', 'thor', 'toe', 'tot', 'uijt', 'uit', 'unter', 'van', 'vanden', 'vander', 'ver',
  'vom', 'von', 'voor', 'zu', 'zum', 'zur',
  // abbreviations people type: v. Dijk, vd Berg, v.d. Berg (the dot splits "v.d" into v and d)
  'v', 'vd', 'vdr',
]);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const LETTER_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** The family name as the rule compares it (step 1 above); '' when it holds no letters. */
export function normaliseFamilyName(familyName: string): string {
  const folded = familyName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => LETTER_FOLDS[c]);
  const words = folded
    .split(/[\s\-'’‘`.,]+/)
    .map((w) => w.replace(/[^a-z]/g, ''))
    .filter(Boolean);
  const kept = words.filter((w) => !VOORVOEGSELS.has(w));
  return (kept.length ? kept : words).join('');
}

export class ServiceNumberInputError extends Error {
  readonly field: keyof ServiceNumberInput;
  constructor(field: keyof ServiceNumberInput, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ServiceNumberInputError';
    this.field = field;
  }
}

/** The verwijsindexservicenummer of a youth without a BSN (Besluit Jeugdwet 7.3.1), by the rule above. */
export function serviceNumber(input: ServiceNumberInput): string {
  const name = normaliseFamilyName(input.familyName);
  if (!name) throw new ServiceNumberInputError('familyName', 'must contain letters');
  if (!isCalendarDate(input.birthDate)) throw new ServiceNumberInputError('birthDate', 'must be a full date YYYY-MM-DD');
  const sex = String(input.sex).toUpperCase();
  if (sex !== 'M' && sex !== 'V' && sex !== 'O') throw new ServiceNumberInputError('sex', 'must be M, V or O');
  const digest = createHash('sha256').update(`vir-vsn-v1|${name}|${input.birthDate}|${sex}`, 'utf8').digest();
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]);
  let out = '';
  for (let i = 7; i >= 0; i--) out += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)];
  return `V${out}`;
}

/** Whether a value has the form of a verwijsindexservicenummer (it never has the form of a BSN). */
export function isServiceNumber(value: string): boolean {
  return SERVICE_NUMBER_PATTERN.test(value);
}
