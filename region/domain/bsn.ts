/**
 * The burgerservicenummer and its elfproef (see ../shared/domain.md, glossary):
 * sum of digit i (i = 1..8) times (10 - i), minus the 9th digit, divisible by 11,
 * and not all zeros.
 */
export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0;
}

/**
 * Whether a free text (a checker's note, a key's label) holds a number that may be a BSN: nine
 * digits, alone or grouped with spaces, dots or hyphens (111 222 333, 1112.22.333), that pass the
 * elfproef. Such texts are refused: a BSN is never stored in plain text. About one in eleven
 * nine-digit numbers passes by chance; the writer is asked to leave it out.
 */
export function mayHoldBsn(text: string): boolean {
  for (const m of text.matchAll(NINE_DIGITS)) {
    if (isValidBsn(m[0].replace(/[ .-]/g, ''))) return true;
  }
  return false;
}

/** Nine digits, alone or grouped with spaces, dots or hyphens, not part of a longer run of digits (nr.111222333 and BSN-111222333 count). */
const NINE_DIGITS = /(?<!\d)\d(?:[ .-]?\d){8}(?!\d)/g;

/**
 * A message about input with every number in it that may be a BSN masked: a file's line can hold
 * a BSN in another field (a municipality, a professional id, a field name), and the message that
 * names that field must not show it.
 */
export function maskBsns(text: string): string {
  return text.replace(NINE_DIGITS, (m) => (isValidBsn(m.replace(/[ .-]/g, '')) ? '*********' : m));
}
