/**
 * The family function (since 2015, 7.1.2.3): signals on two or more different youths who share a
 * parent in the BRP, or who live at the same residential address in the BRP (institution
 * addresses excluded), make a family match, when two or more professionals are involved.
 */
export interface FamilyFacts {
  parentBsns: readonly string[];
  residentialAddressId: string | null;
}

/** The raw family links of a youth: its parents, and its home address unless that is an institution's. */
export function familyLinks(facts: FamilyFacts, institutionAddressIds: ReadonlySet<string>): string[] {
  const links = facts.parentBsns.map((bsn) => `parent:${bsn}`);
  if (facts.residentialAddressId && !institutionAddressIds.has(facts.residentialAddressId)) links.push(`address:${facts.residentialAddressId}`);
  return links;
}

export interface FamilySignalRef {
  signalId: string;
  professionalId: string;
  youthKey: string;
}

export function isFamilyMatch(signals: readonly FamilySignalRef[]): boolean {
  return new Set(signals.map((s) => s.youthKey)).size >= 2 && new Set(signals.map((s) => s.professionalId)).size >= 2;
}
