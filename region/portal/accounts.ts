import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError, notFound } from '../errors.js';
import { auditActor, type Actor, type RegionContext } from '../services/context.js';
import type { CovenantService } from '../services/covenant.js';
import { DUMMY_HASH, hashPassword, hashPasswordSync, passwordProblem, verifyPassword } from './passwords.js';
import type { LoginThrottle } from './throttle.js';
import { checkTotp } from './totp.js';

/**
 * Portal accounts: one person in one role (professional, coordinator, checker, covenant
 * administrator). The administrator creates an account with a one-time setup code; the first
 * login sets the password (scrypt) and enrols the second factor (TOTP), which every account must
 * have. Failed logins lock the account for a while, and too many from one address are refused.
 */
export const PORTAL_ROLES = ['professional', 'coordinator', 'checker', 'admin'] as const;
export type PortalRole = (typeof PORTAL_ROLES)[number];

export interface AccountRow {
  id: string;
  username: string;
  role: PortalRole;
  professional_id: string | null;
  municipality: string | null;
  display_name: string | null;
  password_hash: string | null;
  totp_secret: Buffer | null;
  totp_last_step: number | null;
  setup_code_hash: string | null;
  setup_expires_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
}

export type AccountInput =
  | { role: 'professional'; professionalId: string; username?: string }
  | { role: 'coordinator'; professionalId: string; username?: string }
  | { role: 'checker'; municipality: string; name: string; username: string }
  | { role: 'admin'; name: string; username: string };

/** A login refused, with the Dutch sentence the person reads. */
export class LoginRefused extends Error {
  constructor(readonly reason: 'bad-credentials' | 'locked' | 'throttled' | 'bad-code' | 'bad-setup' | 'password-policy', message: string) {
    super(message);
    this.name = 'LoginRefused';
  }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const normaliseCode = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

function newSetupCode(): string {
  const chars = Array.from({ length: 16 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return chars.replace(/(.{4})(?=.)/g, '$1-');
}

export function createAccountService(ctx: RegionContext, covenant: CovenantService, throttle: LoginThrottle) {
  const { db, audit, config } = ctx;
  const q = {
    byId: db.prepare<[string], AccountRow>('SELECT * FROM portal_accounts WHERE id = ?'),
    byUsername: db.prepare<[string], AccountRow>('SELECT * FROM portal_accounts WHERE username = ?'),
    byProfessionalRole: db.prepare<[string, string], { id: string }>('SELECT id FROM portal_accounts WHERE professional_id = ? AND role = ?'),
    all: db.prepare<[], AccountRow>('SELECT * FROM portal_accounts ORDER BY role, username'),
    insert: db.prepare(
      `INSERT INTO portal_accounts (id, username, role, professional_id, municipality, display_name, setup_code_hash, setup_expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    reset: db.prepare('UPDATE portal_accounts SET password_hash = NULL, totp_secret = NULL, totp_last_step = NULL, setup_code_hash = ?, setup_expires_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?'),
    dropSessions: db.prepare('DELETE FROM portal_sessions WHERE account_id = ?'),
    failure: db.prepare('UPDATE portal_accounts SET failed_logins = failed_logins + 1 WHERE id = ?'),
    lock: db.prepare('UPDATE portal_accounts SET failed_logins = 0, locked_until = ? WHERE id = ?'),
    unlock: db.prepare('UPDATE portal_accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?'),
    loggedIn: db.prepare('UPDATE portal_accounts SET failed_logins = 0, locked_until = NULL, totp_last_step = ?, last_login_at = ? WHERE id = ?'),
    enrol: db.prepare(
      `UPDATE portal_accounts SET password_hash = COALESCE(?, password_hash), totp_secret = ?, totp_last_step = ?, setup_code_hash = NULL,
       setup_expires_at = NULL, failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ? AND totp_secret IS NULL`,
    ),
    setPassword: db.prepare('UPDATE portal_accounts SET password_hash = ? WHERE id = ?'),
  };
  const now = (): Date => ctx.now();
  const record = (entry: { actorKind?: 'anonymous' | 'system'; actor?: Actor; action: string; objectId: string | null; outcome: string }): void =>
    audit.record(
      { ...(entry.actor ? auditActor(entry.actor) : { actorKind: entry.actorKind ?? 'anonymous' }), action: entry.action, objectType: 'portal-account', objectId: entry.objectId, outcome: entry.outcome },
      now(),
    );

  const locked = (a: AccountRow): boolean => a.locked_until !== null && a.locked_until > now().toISOString();
  const lockedMessage = `Dit account is tijdelijk geblokkeerd na ${config.portal.maxFailedLogins} mislukte pogingen. Probeer het over ${config.portal.lockoutMinutes} minuten opnieuw.`;
  /**
   * Before the second factor the same sentence answers a wrong name, a wrong password (or setup
   * code) and a locked account, after the same work (the slow password check runs for a locked
   * account too): the lock does not tell anybody that a username exists. Only one who has passed
   * the password reads the lock by name (the code step).
   */
  const lockNote = `Na ${config.portal.maxFailedLogins} mislukte pogingen wordt een account ${config.portal.lockoutMinutes} minuten geblokkeerd.`;
  const badLogin = `De gebruikersnaam of het wachtwoord is onjuist, of het account is geblokkeerd. ${lockNote}`;
  const badSetup = `De gebruikersnaam of de eenmalige code is onjuist of verlopen, of het account is geblokkeerd. Vraag zo nodig een nieuwe code aan bij de functioneel beheerder. ${lockNote}`;

  /** Counts a failure against the address and, when known, the account; locks it at the limit. */
  const registerFailure = db.transaction((account: AccountRow | undefined, ip: string, outcome: string): boolean => {
    throttle.failed(ip, now());
    if (!account) {
      record({ action: 'portal.login', objectId: null, outcome });
      return false;
    }
    q.failure.run(account.id);
    record({ action: 'portal.login', objectId: account.id, outcome });
    if (q.byId.get(account.id)!.failed_logins >= config.portal.maxFailedLogins) {
      q.lock.run(new Date(now().getTime() + config.portal.lockoutMinutes * 60_000).toISOString(), account.id);
      record({ actorKind: 'system', action: 'portal.lockout', objectId: account.id, outcome: 'locked' });
      return true;
    }
    return false;
  });

  /**
   * Password checks take time (a deliberately slow hash): attempts on the same account or from the
   * same address run one after the other, so that each is counted before the next is judged. In
   * parallel, 40 wrong passwords were all checked against a limit of 5.
   */
  const running = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const before = Promise.all(keys.map((k) => running.get(k)));
    const result = before.then(work);
    const tail = result.catch(() => undefined);
    for (const k of keys) running.set(k, tail);
    void tail.then(() => {
      for (const k of keys) if (running.get(k) === tail) running.delete(k);
    });
    return result;
  }

  function refuseIfThrottled(ip: string, account: AccountRow | undefined): void {
    if (throttle.blocked(ip, now())) {
      record({ action: 'portal.login', objectId: account?.id ?? null, outcome: 'denied:throttled' });
      throw new LoginRefused('throttled', 'Te veel mislukte pogingen vanaf dit adres. Probeer het later opnieuw.');
    }
  }

  /**
   * A locked account is refused, in `words`; the attempt counts against the address as a wrong
   * name's does, so that the address's limit does not tell the two apart either.
   */
  function refuseIfLocked(ip: string, account: AccountRow | undefined, words: string): void {
    if (account && locked(account)) {
      throttle.failed(ip, now());
      record({ action: 'portal.login', objectId: account.id, outcome: 'denied:locked' });
      throw new LoginRefused('locked', words);
    }
  }

  function refuseIfBlocked(ip: string, account: AccountRow | undefined, words = lockedMessage): void {
    refuseIfThrottled(ip, account);
    refuseIfLocked(ip, account, words);
  }

  function usable(account: AccountRow | undefined): account is AccountRow {
    return account !== undefined && account.disabled_at === null;
  }

  const service = {
    create: db.transaction((actor: Actor, input: AccountInput) => {
      let username: string;
      let professionalId: string | null = null;
      let municipality: string | null = null;
      let name: string | null = null;
      if (input.role === 'professional' || input.role === 'coordinator') {
        const pro = covenant.findProfessional(input.professionalId);
        if (!pro) throw notFound('professional');
        if (input.role === 'coordinator' && pro.is_coordinator !== 1) {
          throw new AppError('NOT_A_COORDINATOR', 'make this professional the coordinator of their institution first (POST .../coordinator)', 422);
        }
        if (q.byProfessionalRole.get(pro.id, input.role)) throw new AppError('ACCOUNT_EXISTS', `this professional already has a ${input.role} account`, 409);
        username = input.username ?? (input.role === 'coordinator' ? `coordinator.${pro.email}` : pro.email);
        professionalId = pro.id;
      } else {
        if (input.role === 'checker') {
          covenant.requireMunicipality(input.municipality);
          municipality = input.municipality;
        }
        username = input.username;
        name = input.name;
      }
      if (q.byUsername.get(username)) throw new AppError('USERNAME_TAKEN', `the username ${username} is already in use`, 409);
      const id = randomUUID();
      const setupCode = newSetupCode();
      const expires = new Date(now().getTime() + config.portal.setupCodeDays * 86_400_000).toISOString();
      q.insert.run(id, username, input.role, professionalId, municipality, name, sha256(normaliseCode(setupCode)), expires, now().toISOString());
      record({ actor, action: 'portal.account.create', objectId: id, outcome: 'ok' });
      return { id, username, role: input.role, setupCode, setupExpiresAt: expires };
    }),

    /** A new setup code; the old password and second factor stop working (e.g. a lost phone). */
    resetSetup: db.transaction((actor: Actor, accountId: string) => {
      const account = q.byId.get(accountId);
      if (!account) throw notFound('account');
      const setupCode = newSetupCode();
      const expires = new Date(now().getTime() + config.portal.setupCodeDays * 86_400_000).toISOString();
      q.reset.run(sha256(normaliseCode(setupCode)), expires, accountId);
      q.dropSessions.run(accountId);
      record({ actor, action: 'portal.account.reset', objectId: accountId, outcome: 'ok' });
      return { id: accountId, username: account.username, role: account.role, setupCode, setupExpiresAt: expires };
    }),

    unlock: db.transaction((actor: Actor, accountId: string) => {
      if (!q.byId.get(accountId)) throw notFound('account');
      q.unlock.run(accountId);
      record({ actor, action: 'portal.account.unlock', objectId: accountId, outcome: 'ok' });
    }),

    list: () =>
      q.all.all().map((a) => ({
        id: a.id, username: a.username, role: a.role, professionalId: a.professional_id, municipality: a.municipality, name: a.display_name,
        state: a.disabled_at ? 'disabled' : locked(a) ? 'locked' : a.totp_secret ? 'active' : 'awaiting-setup',
        lastLoginAt: a.last_login_at,
      })),
    byId: (id: string) => q.byId.get(id) ?? null,

    byUsername: (username: string) => q.byUsername.get(username) ?? null,
    /** Demo mode only: a known password, the second factor still to be enrolled at first login. */
    setDemoPassword: (accountId: string, password: string) => {
      q.setPassword.run(hashPasswordSync(password), accountId);
    },

    /** Step 1 of a login. Next: the code, or enrolling the second factor when the account has none yet. */
    checkPassword: (username: string, password: string, ip: string): Promise<{ accountId: string; next: 'code' | 'enrol' }> => {
      // One at a time per account, whatever the spelling of its name (usernames compare without case).
      const name = username.trim();
      const key = q.byUsername.get(name)?.id ?? name.replace(/[A-Z]+/g, (c) => c.toLowerCase());
      return oneAtATime([`ip:${ip}`, `user:${key}`], async () => {
        const found = q.byUsername.get(name);
        const before = usable(found) ? found : undefined;
        refuseIfThrottled(ip, before);
        const ok = await verifyPassword(password, before?.password_hash ?? DUMMY_HASH);
        // Read again after the slow check: a lock set meanwhile counts.
        const fresh = before && q.byId.get(before.id);
        const account = usable(fresh) ? fresh : undefined;
        refuseIfLocked(ip, account, badLogin);
        if (!ok || !account?.password_hash) {
          const nowLocked = registerFailure(account, ip, 'denied:bad-password');
          throw new LoginRefused(nowLocked ? 'locked' : 'bad-credentials', badLogin);
        }
        return { accountId: account.id, next: account.totp_secret ? 'code' : 'enrol' };
      });
    },

    /** Step 2 of a login: the TOTP code. */
    async checkCode(accountId: string, code: string, ip: string): Promise<AccountRow> {
      const account = q.byId.get(accountId);
      if (!usable(account) || !account.totp_secret) throw new LoginRefused('bad-credentials', 'Log opnieuw in.');
      refuseIfBlocked(ip, account);
      const step = await checkTotp(ctx.vault.open(account.totp_secret), code, now(), account.totp_last_step);
      if (step === null) {
        const nowLocked = registerFailure(account, ip, 'denied:bad-code');
        throw new LoginRefused(nowLocked ? 'locked' : 'bad-code', nowLocked ? lockedMessage : 'De code is onjuist of al gebruikt. Wacht op een nieuwe code en probeer het opnieuw.');
      }
      q.loggedIn.run(step, now().toISOString(), account.id);
      return account;
    },

    /** First login: the one-time setup code and a new password. The password is kept until the second factor is enrolled. */
    async checkSetupCode(username: string, code: string, password: string, repeat: string, ip: string): Promise<{ accountId: string; passwordHash: string }> {
      const found = q.byUsername.get(username.trim());
      const account = usable(found) ? found : undefined;
      refuseIfBlocked(ip, account, badSetup);
      const given = Buffer.from(sha256(normaliseCode(code)), 'hex');
      const valid =
        account?.setup_code_hash !== null && account?.setup_code_hash !== undefined &&
        account.setup_expires_at !== null && account.setup_expires_at > now().toISOString() &&
        timingSafeEqual(given, Buffer.from(account.setup_code_hash, 'hex'));
      if (!valid) {
        const nowLocked = registerFailure(account, ip, 'denied:bad-setup-code');
        throw new LoginRefused(nowLocked ? 'locked' : 'bad-setup', badSetup);
      }
      const problem = passwordProblem(password, repeat, account.username);
      if (problem) throw new LoginRefused('password-policy', problem);
      return { accountId: account.id, passwordHash: await hashPassword(password) };
    },

    /** Enrols the second factor with the first code from the app; sets the new password, if any, at the same moment. */
    async completeEnrolment(accountId: string, secret: string, code: string, passwordHash: string | null, ip: string): Promise<AccountRow> {
      const account = q.byId.get(accountId);
      if (!usable(account)) throw new LoginRefused('bad-credentials', 'Log opnieuw in.');
      refuseIfBlocked(ip, account);
      // An account is set up once: a second half-finished setup (the same one-time code entered in
      // another browser) may not replace the password and second factor the first one set.
      if (account.totp_secret || (passwordHash !== null && account.setup_code_hash === null)) {
        record({ actorKind: 'anonymous', action: 'portal.enrol', objectId: account.id, outcome: 'denied:already-set-up' });
        throw new LoginRefused('bad-credentials', 'Dit account is al ingesteld. Log in met uw wachtwoord en de code uit uw app; klopt dat niet, neem dan contact op met de functioneel beheerder.');
      }
      const step = await checkTotp(secret, code, now(), null);
      if (step === null) {
        const nowLocked = registerFailure(account, ip, 'denied:bad-enrolment-code');
        throw new LoginRefused(nowLocked ? 'locked' : 'bad-code', nowLocked ? lockedMessage : 'De code klopt niet. Controleer of de app de juiste sleutel heeft en of de klok van uw telefoon goed staat.');
      }
      if (q.enrol.run(passwordHash, ctx.vault.seal(secret), step, now().toISOString(), account.id).changes === 0) {
        throw new LoginRefused('bad-credentials', 'Dit account is al ingesteld. Log in met uw wachtwoord en de code uit uw app.');
      }
      record({ actorKind: 'anonymous', action: 'portal.enrol', objectId: account.id, outcome: 'ok' });
      return q.byId.get(account.id)!;
    },
  };
  return service;
}

export type AccountService = ReturnType<typeof createAccountService>;
