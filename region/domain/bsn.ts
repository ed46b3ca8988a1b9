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
