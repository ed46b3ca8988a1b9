import type { InstitutionCategory } from './categories.js';

/**
 * Coordination after a match: a regievoerder, and "contact made" (afgestemd) per participant.
 * A match is coordinated when every participating professional recorded contact.
 */
export interface CoordinationParticipant {
  professionalId: string;
  category: InstitutionCategory;
  registeredAt: string;
}

/**
 * The covenant's decision rule: the participant whose institution category comes first in
 * `categoryOrder` (earliest signal on a tie); null when no participant's category is listed.
 */
export function pickRegievoerder(participants: readonly CoordinationParticipant[], categoryOrder: readonly InstitutionCategory[]): string | null {
  let best: CoordinationParticipant | null = null;
  let bestRank = Infinity;
  for (const p of participants) {
    const rank = categoryOrder.indexOf(p.category);
    if (rank < 0) continue;
    if (rank < bestRank || (rank === bestRank && best && p.registeredAt < best.registeredAt)) {
      best = p;
      bestRank = rank;
    }
  }
  return best?.professionalId ?? null;
}

export function isCoordinated(participantIds: readonly string[], contactMadeBy: ReadonlySet<string>): boolean {
  return participantIds.length >= 2 && participantIds.every((id) => contactMadeBy.has(id));
}
