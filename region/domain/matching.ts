/**
 * Who matches whom (7.1.2.3, 7.1.4.3(2)): two or more active signals on the same youth from
 * different professionals make a match. The same professional twice is no match.
 */
export interface ActiveSignalRef {
  signalId: string;
  professionalId: string;
}

export function distinctProfessionals(signals: readonly ActiveSignalRef[]): string[] {
  return [...new Set(signals.map((s) => s.professionalId))];
}

export function isMatch(signals: readonly ActiveSignalRef[]): boolean {
  return distinctProfessionals(signals).length >= 2;
}

/** Regions count each pair of professionals as a link: n professionals give n(n-1)/2 links. */
export function linkCount(signals: readonly ActiveSignalRef[]): number {
  const n = distinctProfessionals(signals).length;
  return (n * (n - 1)) / 2;
}
