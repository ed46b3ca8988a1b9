import { addYears, minDate, type CalendarDate } from './calendar.js';

/** Reasons a professional gives when removing a signal (7.1.4.5, 7.1.5.2). */
export const PROFESSIONAL_REMOVAL_REASONS = ['unjustified', 'risk-ended', 'objection', 'correction'] as const;
export type ProfessionalRemovalReason = (typeof PROFESSIONAL_REMOVAL_REASONS)[number];

/** Reasons the index itself removes a signal. */
export type AutomaticRemovalReason = 'expired' | 'age-23' | 'death';

export type RemovalReason = ProfessionalRemovalReason | AutomaticRemovalReason;

/**
 * 7.1.4.6: only signals removed because the risk ended or because their term expired go into
 * the historical archive. Unjustified signals, removal at 23, after death, and after a data
 * subject's correction, deletion or objection request are not archived.
 */
export function goesToArchive(reason: RemovalReason): boolean {
  return reason === 'risk-ended' || reason === 'expired';
}

/** 7.1.4.6: the archive is kept 5 years, destroyed earlier when the youth turns 23. */
export const ARCHIVE_YEARS = 5;

export function archiveEnd(removedOn: CalendarDate, turns23: CalendarDate): CalendarDate {
  return minDate(addYears(removedOn, ARCHIVE_YEARS, 'earlier'), turns23);
}

/**
 * The day an archived signal's 5 years run from (7.1.4.6): the day it was removed; for a signal
 * whose term expired, its removal date, also when the removal itself came later (a removal run
 * after the index was down, or an event that reached the national index days after it was sent),
 * so that the archive never outlasts the 5 years from the day the law removed the signal.
 */
export function archiveStart(reason: RemovalReason, removalDate: CalendarDate | null, removedOn: CalendarDate): CalendarDate {
  return reason === 'expired' && removalDate !== null ? minDate(removalDate, removedOn) : removedOn;
}
