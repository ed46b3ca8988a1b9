import { AppError } from '../errors.js';
import { archiveEnd } from './removal.js';
import { isValidBsn } from './bsn.js';
import { isCalendarDate, type CalendarDate } from './calendar.js';
import { maxRemovalDate } from './signal-rules.js';
import { isYouthOn, turns23On } from './youth.js';

/**
 * A signal migrated from another regional system (a supplier moving a covenant area): the same
 * rules as a new registration (7.1.4.2-7.1.4.6), but judged on its own history. It was made on
 * `registeredOn`, not today, so the youth must have been under 23 then, and its removal date
 * and archive run from that day. A signal whose removal date or archive end has already come is
 * not an error in the file: the old system would have removed it by now, so it is skipped.
 */
export type ArchiveReason = 'risk-ended' | 'expired';

export interface MigratedSignalFacts {
  bsn: string;
  birthDate: CalendarDate;
  /** The calendar day (in the covenant's time zone) the signal was made. */
  registeredOn: CalendarDate;
  /** Active signals: the removal date; the legal maximum when absent. */
  removalDate?: CalendarDate;
  /** Archived signals (7.1.4.6): the day it was removed, and why. */
  removedOn?: CalendarDate;
  removalReason?: ArchiveReason;
}

export type MigratedSignal =
  | { kind: 'active'; turns23: CalendarDate; removalDate: CalendarDate }
  /** `expiredOn`: an active signal whose removal date had come, archived as expired from that day. */
  | { kind: 'archived'; turns23: CalendarDate; archiveUntil: CalendarDate; expiredOn?: CalendarDate }
  | { kind: 'skip'; reason: 'removal-date-passed' | 'archive-ended' };

const bad = (code: string, message: string): AppError => new AppError(code, message, 400);

export function checkMigratedSignal(facts: MigratedSignalFacts, today: CalendarDate): MigratedSignal {
  if (!isValidBsn(facts.bsn)) {
    throw bad('INVALID_BSN', 'bsn is not a valid burgerservicenummer: it must be 9 digits that pass the elfproef');
  }
  if (!isCalendarDate(facts.birthDate)) throw bad('INVALID_BIRTH_DATE', 'birthDate must be a real date in the form YYYY-MM-DD');
  if (facts.registeredOn > today) throw bad('REGISTERED_IN_FUTURE', 'registeredAt lies in the future');
  if (facts.birthDate > facts.registeredOn) throw bad('BIRTH_DATE_AFTER_REGISTRATION', 'birthDate lies after registeredAt');
  if (!isYouthOn(facts.birthDate, facts.registeredOn)) {
    throw bad('TOO_OLD', 'the youth was 23 or older when the signal was made: only youths under 23 can be signalled (Jeugdwet 7.1.1.1)');
  }
  const turns23 = turns23On(facts.birthDate);

  if (facts.removedOn !== undefined || facts.removalReason !== undefined) {
    if (facts.removedOn === undefined || facts.removalReason === undefined) {
      throw bad('INCOMPLETE_ARCHIVE', 'an archived signal needs both removedAt and removalReason');
    }
    if (facts.removalDate !== undefined) throw bad('ARCHIVED_WITH_REMOVAL_DATE', 'an archived signal has no removalDate: leave it out');
    if (facts.removedOn > today) throw bad('REMOVED_IN_FUTURE', 'removedAt lies in the future');
    if (facts.removedOn < facts.registeredOn) throw bad('REMOVED_BEFORE_REGISTRATION', 'removedAt lies before registeredAt');
    const archiveUntil = archiveEnd(facts.removedOn, turns23);
    if (archiveUntil <= today) return { kind: 'skip', reason: 'archive-ended' };
    return { kind: 'archived', turns23, archiveUntil };
  }

  // An extension may have been made on any day up to today, so the latest removal date the law
  // allows is two years from today (never past the 23rd birthday); without a date, the term
  // of two years from registration applies.
  let removalDate = maxRemovalDate(facts.registeredOn, turns23);
  if (facts.removalDate !== undefined) {
    if (!isCalendarDate(facts.removalDate)) throw bad('INVALID_REMOVAL_DATE', 'removalDate must be a real date in the form YYYY-MM-DD');
    if (facts.removalDate <= facts.registeredOn) throw bad('REMOVAL_DATE_BEFORE_REGISTRATION', 'removalDate must lie after registeredAt');
    const latest = maxRemovalDate(today, turns23);
    if (facts.removalDate > latest) {
      throw bad(
        'REMOVAL_DATE_TOO_LATE',
        `removalDate may be at most ${latest}: two years after the signal or its last extension, and never past the youth's 23rd birthday (Jeugdwet 7.1.4.5)`,
      );
    }
    removalDate = facts.removalDate;
  }
  if (removalDate <= today) {
    // The old system should have removed it on its removal date: at 23 without archive, else into
    // the archive as expired, from that day (7.1.4.6), as this index's own late removal run does.
    if (removalDate >= turns23) return { kind: 'skip', reason: 'removal-date-passed' };
    const archiveUntil = archiveEnd(removalDate, turns23);
    if (archiveUntil <= today) return { kind: 'skip', reason: 'archive-ended' };
    return { kind: 'archived', turns23, archiveUntil, expiredOn: removalDate };
  }
  return { kind: 'active', turns23, removalDate };
}
