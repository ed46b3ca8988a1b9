import { randomUUID } from 'node:crypto';
import { AppError, conflict, notFound } from '../errors.js';
import { newSecret, secretHash } from '../crypto/tokens.js';
import { auditActor, type Actor, type RegionContext } from './context.js';
import type { CovenantSetup, InstitutionInput, MunicipalityInput, ProfessionalInput } from './covenant-schemas.js';

/**
 * The covenant area and its people (7.1.3.1-7.1.3.3, Besluit Jeugdwet 7.1.1-7.1.7):
 * municipalities with their checkers, institutions of designated categories, their authorised
 * professionals, and the case systems' API keys.
 */
export interface ProfessionalRow {
  id: string;
  institution_id: string;
  name: string;
  function: string;
  email: string;
  phone: string;
  authorised: number;
  is_coordinator: number;
}

/** How long an authenticated API key or professional is taken from memory (see `remembered`). */
export const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

interface Remembered<T> {
  row: T;
  until: number;
}

/**
 * A found row, kept for AUTH_CACHE_MS of real time: what every API request looks up (its key and
 * the professional it acts for) costs two statements otherwise. Only rows that were found are kept:
 * an unknown key or professional is looked up every time.
 */
function remembered<T extends object>(cache: Map<string, Remembered<T>>, id: string, load: () => T | undefined): T | null {
  const now = performance.now();
  const hit = cache.get(id);
  if (hit && hit.until > now) return hit.row;
  const row = load();
  if (!row) {
    cache.delete(id);
    return null;
  }
  if (cache.size >= AUTH_CACHE_MAX) cache.clear();
  cache.set(id, { row: Object.freeze(row), until: now + AUTH_CACHE_MS });
  return row;
}

export function createCovenantService(ctx: RegionContext) {
  const { db, audit } = ctx;
  // Every change this service makes to keys or professionals empties both at once, so a revocation
  // or deauthorisation through the admin API holds from the next request; a change written by
  // another process (none revokes or deauthorises today) would hold within AUTH_CACHE_MS.
  const keyCache = new Map<string, Remembered<{ id: string; institution_id: string }>>();
  const professionalCache = new Map<string, Remembered<ProfessionalRow>>();
  const forgetAuthenticated = (): void => {
    keyCache.clear();
    professionalCache.clear();
  };
  const q = {
    municipality: db.prepare<[string], { code: string }>('SELECT code FROM municipalities WHERE code = ?'),
    municipalities: db.prepare('SELECT code, name, checker_name, checker_email, checker_phone FROM municipalities ORDER BY code'),
    insertMunicipality: db.prepare(
      `INSERT INTO municipalities (code, name, checker_name, checker_email, checker_phone, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    institution: db.prepare<[string], { id: string; name: string; category: string }>('SELECT id, name, category FROM institutions WHERE id = ?'),
    institutions: db.prepare('SELECT id, name, category, coordinator_name, coordinator_email, coordinator_phone FROM institutions ORDER BY name'),
    insertInstitution: db.prepare(
      `INSERT INTO institutions (id, name, category, coordinator_name, coordinator_email, coordinator_phone, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    professional: db.prepare<[string, string], ProfessionalRow>('SELECT * FROM professionals WHERE id = ? AND institution_id = ?'),
    professionalById: db.prepare<[string], ProfessionalRow>('SELECT * FROM professionals WHERE id = ?'),
    professionals: db.prepare<[string], ProfessionalRow>('SELECT * FROM professionals WHERE institution_id = ? ORDER BY name'),
    insertProfessional: db.prepare(
      `INSERT INTO professionals (id, institution_id, name, function, email, phone, authorised, authorised_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    ),
    setAuthorised: db.prepare('UPDATE professionals SET authorised = ?, authorised_at = CASE WHEN ? = 1 THEN ? ELSE authorised_at END, deauthorised_at = CASE WHEN ? = 0 THEN ? ELSE NULL END WHERE id = ?'),
    activeSignalCount: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM signals WHERE professional_id = ? AND status = 'active'"),
    setCoordinator: db.prepare('UPDATE professionals SET is_coordinator = ? WHERE id = ?'),
    insertApiKey: db.prepare('INSERT INTO api_keys (id, institution_id, key_hash, label, created_at) VALUES (?, ?, ?, ?, ?)'),
    apiKeys: db.prepare('SELECT id, label, created_at, revoked_at FROM api_keys WHERE institution_id = ? ORDER BY created_at'),
    revokeApiKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND institution_id = ? AND revoked_at IS NULL'),
    apiKeyByHash: db.prepare<[string], { id: string; institution_id: string }>('SELECT id, institution_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL'),
    insertAdminToken: db.prepare('INSERT INTO admin_tokens (id, token_hash, label, created_at) VALUES (?, ?, ?, ?)'),
    adminTokenByHash: db.prepare<[string], { id: string }>('SELECT id FROM admin_tokens WHERE token_hash = ? AND revoked_at IS NULL'),
    adminTokens: db.prepare<[], { id: string; label: string | null; created_at: string; revoked_at: string | null }>(
      'SELECT id, label, created_at, revoked_at FROM admin_tokens ORDER BY created_at, id',
    ),
    adminTokenById: db.prepare<[string], { id: string; revoked_at: string | null }>('SELECT id, revoked_at FROM admin_tokens WHERE id = ?'),
    revokeAdminToken: db.prepare('UPDATE admin_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  };
  const at = (): string => ctx.now().toISOString();
  const log = (actor: Actor, action: string, objectType: string, objectId: string, outcome = 'ok'): void =>
    audit.record({ ...auditActor(actor), action, objectType, objectId, outcome }, ctx.now());

  function requireInstitution(id: string): { id: string; name: string; category: string } {
    const row = q.institution.get(id);
    if (!row) throw notFound('institution');
    return row;
  }

  function requireProfessional(institutionId: string, professionalId: string): ProfessionalRow {
    requireInstitution(institutionId);
    const row = q.professional.get(professionalId, institutionId);
    if (!row) throw notFound('professional');
    return row;
  }

  const service = {
    addMunicipality: db.transaction((actor: Actor, input: MunicipalityInput) => {
      if (q.municipality.get(input.code)) throw conflict('MUNICIPALITY_EXISTS', `municipality ${input.code} is already part of the covenant area`);
      q.insertMunicipality.run(input.code, input.name, input.checker.name, input.checker.email, input.checker.phone, at());
      log(actor, 'municipality.add', 'municipality', input.code);
      return { code: input.code };
    }),
    listMunicipalities: () => q.municipalities.all(),
    requireMunicipality: (code: string) => {
      if (!q.municipality.get(code)) throw notFound('municipality');
    },

    addInstitution: db.transaction((actor: Actor, input: InstitutionInput) => {
      const id = randomUUID();
      const c = input.coordinator;
      q.insertInstitution.run(id, input.name, input.category, c?.name ?? null, c?.email ?? null, c?.phone ?? null, at());
      log(actor, 'institution.add', 'institution', id);
      return { id };
    }),
    listInstitutions: () => q.institutions.all(),
    requireInstitution,

    addProfessional: db.transaction((actor: Actor, institutionId: string, input: ProfessionalInput) => {
      requireInstitution(institutionId);
      const id = randomUUID();
      q.insertProfessional.run(id, institutionId, input.name, input.function, input.email, input.phone, at(), at());
      log(actor, 'professional.add', 'professional', id);
      return { id };
    }),
    listProfessionals: (institutionId: string) => {
      requireInstitution(institutionId);
      return q.professionals.all(institutionId).map((p) => ({
        id: p.id, name: p.name, function: p.function, email: p.email, phone: p.phone, authorised: p.authorised === 1, coordinator: p.is_coordinator === 1,
      }));
    },
    requireProfessional,
    findProfessional: (id: string): Readonly<ProfessionalRow> | null => remembered(professionalCache, id, () => q.professionalById.get(id)),
    setAuthorised: db.transaction((actor: Actor, institutionId: string, professionalId: string, authorised: boolean) => {
      forgetAuthenticated();
      requireProfessional(institutionId, professionalId);
      const active = q.activeSignalCount.get(professionalId)!.n;
      if (!authorised && active > 0) {
        throw conflict('ACTIVE_SIGNALS_PRESENT', `this professional still has ${active} active signal(s): hand them over to a colleague first (7.1.3.3)`);
      }
      const flag = authorised ? 1 : 0;
      q.setAuthorised.run(flag, flag, at(), flag, at(), professionalId);
      log(actor, authorised ? 'professional.authorise' : 'professional.deauthorise', 'professional', professionalId);
      return { id: professionalId, authorised };
    }),

    setCoordinator: db.transaction((actor: Actor, institutionId: string, professionalId: string, coordinator: boolean) => {
      forgetAuthenticated();
      requireProfessional(institutionId, professionalId);
      q.setCoordinator.run(coordinator ? 1 : 0, professionalId);
      log(actor, coordinator ? 'professional.coordinator-grant' : 'professional.coordinator-revoke', 'professional', professionalId);
      return { id: professionalId, coordinator };
    }),
    createApiKey: db.transaction((actor: Actor, institutionId: string, label: string | null) => {
      requireInstitution(institutionId);
      const id = randomUUID();
      const key = newSecret('vir');
      q.insertApiKey.run(id, institutionId, secretHash(key), label, at());
      log(actor, 'api-key.create', 'api-key', id);
      return { id, key };
    }),
    listApiKeys: (institutionId: string) => {
      requireInstitution(institutionId);
      return q.apiKeys.all(institutionId);
    },
    revokeApiKey: db.transaction((actor: Actor, institutionId: string, keyId: string) => {
      forgetAuthenticated();
      if (q.revokeApiKey.run(at(), keyId, institutionId).changes === 0) throw notFound('active API key');
      log(actor, 'api-key.revoke', 'api-key', keyId);
      return { id: keyId, revoked: true };
    }),
    /** The institution an API key belongs to, or null for an unknown or revoked key. */
    authenticateApiKey: (key: string) => {
      const hash = secretHash(key);
      return remembered(keyCache, hash, () => q.apiKeyByHash.get(hash));
    },
    /** Empties the memory of authenticated keys and professionals: for a change written to them outside this service. */
    forgetAuthenticated,

    createAdminToken: db.transaction((actor: Actor, label: string | null) => {
      const id = randomUUID();
      const token = newSecret('viradm');
      q.insertAdminToken.run(id, secretHash(token), label, at());
      log(actor, 'admin-token.create', 'admin-token', id);
      return { id, token };
    }),
    authenticateAdminToken: (token: string) => q.adminTokenByHash.get(secretHash(token)) ?? null,
    /** The admin tokens made through this service (not the bootstrap token of the configuration), revoked ones too. */
    listAdminTokens: () => q.adminTokens.all().map((t) => ({ id: t.id, label: t.label, createdAt: t.created_at, revokedAt: t.revoked_at })),
    /** Revokes an admin token from its next request on (tokens are checked against the database at every request). */
    revokeAdminToken: db.transaction((actor: Actor, id: string): { id: string; revokedAt: string; already: boolean } => {
      const row = q.adminTokenById.get(id);
      if (!row) throw notFound('admin token');
      if (row.revoked_at) return { id, revokedAt: row.revoked_at, already: true };
      const revokedAt = at();
      q.revokeAdminToken.run(revokedAt, id);
      log(actor, 'admin-token.revoke', 'admin-token', id);
      return { id, revokedAt, already: false };
    }),

    /** Imports a covenant setup file in one transaction: all of it, or nothing. */
    importSetup: db.transaction((actor: Actor, setup: CovenantSetup) => {
      const result = { municipalities: 0, institutions: [] as { id: string; name: string; professionals: { id: string; name: string }[] }[] };
      for (const m of setup.municipalities) {
        service.addMunicipality(actor, m);
        result.municipalities++;
      }
      for (const inst of setup.institutions) {
        const { professionals, ...rest } = inst;
        const { id } = service.addInstitution(actor, rest);
        const profs = professionals.map((p) => ({ id: service.addProfessional(actor, id, p).id, name: p.name }));
        result.institutions.push({ id, name: inst.name, professionals: profs });
      }
      return result;
    }),
  };
  return service;
}

export type CovenantService = ReturnType<typeof createCovenantService>;

export function invalidInput(message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, 400);
}
