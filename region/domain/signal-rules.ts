import { AppError } from '../errors.js';
import { isValidBsn } from './bsn.js';
import { isServiceNumber } from './service-number.js';
import { addYears, isCalendarDate, minDate, type CalendarDate } from './calendar.js';
import { isYouthOn, turns23On } from './youth.js';

/** 7.1.4.5: a signal is removed automatically at most two years after it was made. */
export const MAX_TERM_YEARS = 2;

/**
 * The latest removal date the law allows for a signal made on `registeredOn`:
 * two years after registration, and never past the youth's 23rd birthday (7.1.4.5).
 */
export function maxRemovalDate(registeredOn: CalendarDate, turns23: CalendarDate): CalendarDate {
  return minDate(addYears(registeredOn, MAX_TERM_YEARS, 'earlier'), turns23);
}

export interface NewSignalFacts {
  bsn: string;
  birthDate: CalendarDate;
  legalGroundConfirmed: boolean;
  removalDate?: CalendarDate;
}

/**
 * What can be checked of a new signal before anything is looked up: the youth's number, the form of
 * the birth date, the professional's attestation. The population register is asked about a youth
 * only for a request that passes these (a lookup on a request that would be refused anyway would
 * tell the caller what the register holds on any BSN they type).
 */
export function checkSignalRequest(facts: NewSignalFacts): void {
  if (!isValidBsn(facts.bsn) && !isServiceNumber(facts.bsn)) {
    throw new AppError('INVALID_BSN', 'bsn is not a valid burgerservicenummer: it must be 9 digits that pass the elfproef', 400);
  }
  if (!isCalendarDate(facts.birthDate)) {
    throw new AppError('INVALID_BIRTH_DATE', 'birthDate must be a real date in the form YYYY-MM-DD', 400);
  }
  if (facts.legalGroundConfirmed !== true) {
    throw new AppError(
      'LEGAL_GROUND_NOT_CONFIRMED',
      'legalGroundConfirmed must be true: the professional attests a reasonable suspicion of one of the risks of Jeugdwet 7.1.4.1',
      400,
    );
  }
}

/** Checks the youth may be signalled today and returns the removal date to use. */
export function checkNewSignal(facts: NewSignalFacts, today: CalendarDate): CalendarDate {
  checkSignalRequest(facts);
  if (facts.birthDate > today) {
    throw new AppError('BIRTH_DATE_IN_FUTURE', 'birthDate lies in the future', 400);
  }
  if (!isYouthOn(facts.birthDate, today)) {
    throw new AppError('TOO_OLD', 'the youth is 23 or older: only youths under 23 can be signalled (Jeugdwet 7.1.1.1)', 422);
  }
  return checkRemovalDate(facts.removalDate, today, today, turns23On(facts.birthDate));
}

/**
 * A removal date asked for on `today` for a signal (or its extension) counted from `termStart`.
 * Without a date, the legal maximum applies.
 */
export function checkRemovalDate(
  requested: CalendarDate | undefined,
  termStart: CalendarDate,
  today: CalendarDate,
  turns23: CalendarDate,
): CalendarDate {
  const max = maxRemovalDate(termStart, turns23);
  if (requested === undefined) return max;
  if (!isCalendarDate(requested)) {
    throw new AppError('INVALID_REMOVAL_DATE', 'removalDate must be a real date in the form YYYY-MM-DD', 400);
  }
  if (requested <= today) {
    throw new AppError('REMOVAL_DATE_IN_PAST', 'removalDate must lie after today', 400);
  }
  if (requested > max) {
    throw new AppError(
      'REMOVAL_DATE_TOO_LATE',
      `removalDate may be at most ${max}: two years after the signal and never past the youth's 23rd birthday (Jeugdwet 7.1.4.5)`,
      400,
    );
  }
  return requested;
}
