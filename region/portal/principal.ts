import type { Actor } from '../services/context.js';
import type { CheckerActor } from '../services/checker.js';
import type { CovenantService } from '../services/covenant.js';
import type { AccountRow, PortalRole } from './accounts.js';
import { ROLE_LABELS } from './labels.js';

/**
 * Who is logged in, in which role, acting for which institution or municipality: resolved from
 * the account at every request, so a withdrawn authorisation or coordinator role takes effect at once.
 */
type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;
type AdminActor = Extract<Actor, { kind: 'admin' }>;

interface Base {
  accountId: string;
  username: string;
  name: string;
  /** "Professional bij Buurtteam", for the header of every page. */
  roleText: string;
}

type OfInstitution = Base & { institutionId: string; institutionName: string; actor: ProfessionalActor };

export type Principal =
  | (OfInstitution & { role: 'professional' })
  | (OfInstitution & { role: 'coordinator' })
  | (Base & { role: 'checker'; municipality: string; municipalityName: string; actor: CheckerActor })
  | (Base & { role: 'admin'; actor: AdminActor });

export type PrincipalOf<R extends PortalRole> = Extract<Principal, { role: R }>;

/** The principal of an account, or null when it may not use the portal (any more). */
export function resolvePrincipal(covenant: CovenantService, account: AccountRow): Principal | null {
  if (account.disabled_at) return null;
  const base = { accountId: account.id, username: account.username };
  const portalId = `portal:${account.id}`;
  switch (account.role) {
    case 'professional':
    case 'coordinator': {
      const pro = covenant.findProfessional(account.professional_id!);
      if (!pro || pro.authorised !== 1) return null;
      if (account.role === 'coordinator' && pro.is_coordinator !== 1) return null;
      const institution = covenant.requireInstitution(pro.institution_id);
      return {
        ...base,
        role: account.role,
        name: pro.name,
        roleText: `${ROLE_LABELS[account.role]} bij ${institution.name}`,
        institutionId: institution.id,
        institutionName: institution.name,
        actor: { kind: 'professional', professionalId: pro.id, institutionId: institution.id },
      };
    }
    case 'checker': {
      const m = (covenant.listMunicipalities() as { code: string; name: string }[]).find((x) => x.code === account.municipality);
      if (!m) return null;
      return {
        ...base,
        role: 'checker',
        name: account.display_name ?? account.username,
        roleText: `${ROLE_LABELS.checker} ${m.name}`,
        municipality: m.code,
        municipalityName: m.name,
        actor: { kind: 'checker', tokenId: portalId, municipality: m.code },
      };
    }
    case 'admin':
      return { ...base, role: 'admin', name: account.display_name ?? account.username, roleText: ROLE_LABELS.admin, actor: { kind: 'admin', tokenId: portalId } };
  }
}

/** The audit log's view of a principal. */
export function principalAudit(p: Principal): { actorKind: 'professional' | 'checker' | 'admin'; actorId: string; institutionId: string | null } {
  if (p.role === 'checker') return { actorKind: 'checker', actorId: p.actor.tokenId, institutionId: null };
  if (p.role === 'admin') return { actorKind: 'admin', actorId: p.actor.tokenId, institutionId: null };
  return { actorKind: 'professional', actorId: p.actor.professionalId, institutionId: p.institutionId };
}
