import { addYears, type CalendarDate } from './calendar.js';

/** Jeugdwet 7.1.1.1: a youth (jeugdige) is a person under 23. */
export const YOUTH_AGE_LIMIT = 23;

/** The day the youth turns 23: signals end then (7.1.4.5) and archives are destroyed (7.1.4.6). */
export function turns23On(birthDate: CalendarDate): CalendarDate {
  return addYears(birthDate, YOUTH_AGE_LIMIT, 'later');
}

/** Age in whole years on a given day. */
export function ageOn(birthDate: CalendarDate, day: CalendarDate): number {
  let age = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (addYears(birthDate, age, 'later') > day) age -= 1;
  return age;
}

export function isYouthOn(birthDate: CalendarDate, day: CalendarDate): boolean {
  return day < turns23On(birthDate);
}
