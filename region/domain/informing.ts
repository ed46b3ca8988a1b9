import { addYears, type CalendarDate } from './calendar.js';
import { YOUTH_AGE_LIMIT } from './youth.js';

/**
 * Informatieplicht (7.1.5.1): the reporting professional informs the legal representative of a
 * youth under 12, both the youth and the representative from 12 to 15, and the youth from 16.
 */
export const INFORMED_PARTIES = ['youth', 'legal-representative'] as const;
export type InformedParty = (typeof INFORMED_PARTIES)[number];

export const INFORMING_METHODS = ['in-person', 'phone', 'letter', 'email', 'other'] as const;
export type InformingMethod = (typeof INFORMING_METHODS)[number];

export function partiesToInform(age: number): InformedParty[] {
  if (age < 12) return ['legal-representative'];
  if (age < 16) return ['youth', 'legal-representative'];
  return ['youth'];
}

/** Age in whole years on `day`, known only from the day the youth turns 23 (the birth date is not kept). */
export function ageFromTurns23(turns23: CalendarDate, day: CalendarDate): number {
  let k = 0;
  while (addYears(turns23, -k, 'later') > day) k++;
  return YOUTH_AGE_LIMIT - k;
}
