import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSyntaxError } from '../region/brp/json-lines.js';
import cron from 'node-cron';
import { z } from 'zod';
import { INSTITUTION_CATEGORY_CODES } from '../region/domain/categories.js';

/**
 * The one configuration loader: config/default.json, then an optional file named by
 * REGION_CONFIG, then environment variables; validated once. A bad or missing value stops
 * start-up with a ConfigError naming the key.
 */

const key32 = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');

export const configSchema = z.strictObject({
  mode: z.enum(['development', 'production']),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Amsterdam'),
  region: z.strictObject({ id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be 2-40 characters a-z, 0-9 or -'), name: z.string().min(1) }),
  demo: z.boolean(),
  adminToken: z.string().min(32, 'must be at least 32 characters').nullable(),
  keys: z.strictObject({ bsnEncryption: key32.nullable(), bsnIndex: key32.nullable() }),
  http: z.strictObject({ bodyLimit: z.string().regex(/^\d+(b|kb|mb)$/, 'must look like 32kb'), trustProxy: z.boolean() }),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  idempotency: z.strictObject({ retentionHours: z.number().int().min(1) }),
  lifecycle: z.strictObject({
    schedule: z.string().refine((e) => cron.validate(e), 'must be a cron expression such as "5 0 * * *"'),
    runAtStart: z.boolean(),
    informingReminderDays: z.number().int().min(1).max(365),
    /** How often signals registered while the BRP was down are verified, and moves and deaths fetched. */
    brpSchedule: z.string().refine((e) => cron.validate(e), 'must be a cron expression such as "*/15 * * * *"'),
  }),
  /** The connector to the national index (issue: federation). */
  national: z.strictObject({
    enabled: z.boolean(),
    url: z.url('must be the national index sync URL, e.g. https://lvi.example.nl/sync').nullable(),
    tls: z.strictObject({ caFile: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }).nullable(),
    /** Plain HTTP to the national index: an explicit development setting only. */
    allowPlainHttp: z.boolean(),
    schedule: z.string().refine((e) => cron.validate(e), 'must be a cron expression such as "*/5 * * * *"'),
    batchSize: z.number().int().min(1).max(1000),
    longPollSeconds: z.number().int().min(0).max(25),
    requestTimeoutMs: z.number().int().min(1000).max(300_000),
    backoff: z.strictObject({ baseMs: z.number().int().min(1), maxMs: z.number().int().min(1) }),
    /** A reconcile's pages: signals per Reconcilieer message, matches per HaalMatchstand message. */
    reconcilePage: z.strictObject({ signals: z.number().int().min(1).max(10_000), matches: z.number().int().min(1).max(1000) }),
    /** Days a delivered outbox event (id, kind, signal id, delivery state; its sealed event is erased at delivery) is kept. */
    deliveredRetentionDays: z.number().int().min(1).max(3650),
  }),
  /** The family function: residential addresses of institutions (BAG ids) that never make a family match. */
  family: z.strictObject({
    institutionAddressIds: z.array(z.string().regex(/^\d{16}$/, 'must be a 16-digit BAG adresseerbaarObjectIdentificatie')),
  }),
  coordination: z.strictObject({
    checkAfterDays: z.number().int().min(1).max(365),
    /** Covenant decision rule: the regievoerder comes from the first institution category in this order. */
    categoryOrder: z
      .array(z.enum(INSTITUTION_CATEGORY_CODES, { error: `must be one of: ${INSTITUTION_CATEGORY_CODES.join(', ')}` }))
      .refine((a) => new Set(a).size === a.length, 'must not name a category twice'),
  }),
  /** The portal for professionals, coordinators, checkers and the covenant administrator. */
  portal: z.strictObject({
    /** Secure cookies; null: Secure in production, not in development (the demo runs on plain http://127.0.0.1). */
    cookieSecure: z.boolean().nullable(),
    idleMinutes: z.number().int().min(1).max(480),
    maxSessionHours: z.number().int().min(1).max(24),
    maxFailedLogins: z.number().int().min(1).max(100),
    lockoutMinutes: z.number().int().min(1).max(1440),
    /** Failed logins from one IP address within lockoutMinutes before it is refused for a while. */
    maxFailuresPerIp: z.number().int().min(1).max(10000),
    setupCodeDays: z.number().int().min(1).max(60),
  }),
  /** E-mail for notices, through an SMTP server. */
  mail: z.strictObject({
    enabled: z.boolean(),
    smtp: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      secure: z.boolean(),
      user: z.string().min(1).nullable(),
      password: z.string().min(1).nullable(),
    }),
    from: z.string().min(3),
    /** The portal's address as professionals reach it; links in e-mails point there. */
    portalBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://vir.example.org' }),
    pollMs: z.number().int().min(50).max(600_000),
    maxAttempts: z.number().int().min(1).max(100),
    /** Notices older than this when they are first seen are not mailed (e.g. after mail was switched on). */
    maxAgeHours: z.number().int().min(1).max(24 * 30),
  }),
  /** The population register (BRP): none, the region's own local registry, or BRP API Personen + the BRP Update API. */
  brp: z.strictObject({
    source: z.enum(['none', 'local', 'api'], { error: 'must be none, local or api' }),
    api: z
      .strictObject({
        personenUrl: z.url({ protocol: /^https?$/, error: (i) => (i.input === undefined ? 'is required (set REGION_BRP_PERSONEN_URL)' : 'must be the http(s) base URL of BRP API Personen, e.g. https://brp.example.nl/haalcentraal/api/brp') }),
        updateUrl: z.url({ protocol: /^https?$/, error: (i) => (i.input === undefined ? 'is required (set REGION_BRP_UPDATE_URL)' : 'must be the http(s) base URL of the BRP Update API, e.g. https://brp.example.nl/haalcentraal/api/brpupdate') }),
        apiKey: z.string({ error: 'is required (set REGION_BRP_API_KEY)' }).min(1, 'is required (set REGION_BRP_API_KEY)'),
        apiKeyHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name such as X-API-KEY').default('X-API-KEY'),
        timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      })
      .nullable(),
  }),
});

export type RegionConfig = z.infer<typeof configSchema>;

/** Whether portal cookies carry Secure: as configured, else only in production. */
export function portalCookieSecure(config: RegionConfig): boolean {
  return config.portal.cookieSecure ?? config.mode === 'production';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CONFIG_FILE = join(here, 'default.json');
/** The region of default.json: the demo's. */
const DEMO_REGION = { id: 'demo', name: 'Convenantgebied Demo' };

type Env = Record<string, string | undefined>;
type Json = Record<string, unknown>;

/** A config file: a JSON object (a byte-order mark, as some editors write, is allowed). */
function readJson(file: string, label: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new ConfigError(`config file ${label}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Not V8's message: it quotes the text around the mistake, which may be a key.
    throw new ConfigError(`config file ${label}: cannot be read as JSON: ${jsonSyntaxError(text, err as Error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(`config file ${label}: must hold one JSON object ({ ... }) of config keys`);
  return json as Json;
}

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b as Json, v as Json) : v;
  }
  return out;
}

function envNumber(env: Env, name: string, key: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key} (${name}): must be a whole number, got "${raw}"`);
  return Number(raw);
}

function envBool(env: Env, name: string, key: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${key} (${name}): must be true or false, got "${raw}"`);
}

function fromEnv(env: Env): Json {
  const o: Json = {};
  const set = (path: string[], v: unknown): void => {
    if (v === undefined || v === '') return;
    let t = o;
    for (const p of path.slice(0, -1)) t = (t[p] ??= {}) as Json;
    t[path[path.length - 1]] = v;
  };
  // An empty REGION_MODE= is no mode: it must not turn NODE_ENV=production (the Docker image) into development.
  set(['mode'], env.REGION_MODE || (env.NODE_ENV === 'production' ? 'production' : undefined));
  set(['host'], env.HOST);
  set(['port'], envNumber(env, 'PORT', 'port'));
  set(['dataDir'], env.REGION_DATA_DIR);
  set(['timeZone'], env.REGION_TIME_ZONE);
  set(['region', 'id'], env.REGION_ID);
  set(['region', 'name'], env.REGION_NAME);
  set(['demo'], envBool(env, 'REGION_DEMO', 'demo'));
  set(['adminToken'], env.REGION_ADMIN_TOKEN);
  set(['keys', 'bsnEncryption'], env.REGION_BSN_ENCRYPTION_KEY);
  set(['keys', 'bsnIndex'], env.REGION_BSN_INDEX_KEY);
  set(['log', 'level'], env.LOG_LEVEL);
  set(['lifecycle', 'schedule'], env.REGION_LIFECYCLE_SCHEDULE);
  set(['national', 'enabled'], envBool(env, 'REGION_NATIONAL_ENABLED', 'national.enabled'));
  set(['national', 'url'], env.REGION_NATIONAL_URL);
  if (env.REGION_NATIONAL_CA_FILE || env.REGION_NATIONAL_CERT_FILE || env.REGION_NATIONAL_KEY_FILE) {
    set(['national', 'tls'], { caFile: env.REGION_NATIONAL_CA_FILE, certFile: env.REGION_NATIONAL_CERT_FILE, keyFile: env.REGION_NATIONAL_KEY_FILE });
  }
  set(['national', 'allowPlainHttp'], envBool(env, 'REGION_NATIONAL_ALLOW_PLAIN_HTTP', 'national.allowPlainHttp'));
  set(['portal', 'cookieSecure'], envBool(env, 'REGION_COOKIE_SECURE', 'portal.cookieSecure'));
  set(['mail', 'enabled'], envBool(env, 'REGION_MAIL_ENABLED', 'mail.enabled'));
  set(['mail', 'smtp', 'host'], env.REGION_SMTP_HOST);
  set(['mail', 'smtp', 'port'], envNumber(env, 'REGION_SMTP_PORT', 'mail.smtp.port'));
  set(['mail', 'smtp', 'secure'], envBool(env, 'REGION_SMTP_SECURE', 'mail.smtp.secure'));
  set(['mail', 'smtp', 'user'], env.REGION_SMTP_USER);
  set(['mail', 'smtp', 'password'], env.REGION_SMTP_PASSWORD);
  set(['mail', 'from'], env.REGION_MAIL_FROM);
  set(['mail', 'portalBaseUrl'], env.REGION_PORTAL_URL);
  set(['brp', 'source'], env.REGION_BRP_SOURCE);
  set(['brp', 'api', 'personenUrl'], env.REGION_BRP_PERSONEN_URL);
  set(['brp', 'api', 'updateUrl'], env.REGION_BRP_UPDATE_URL);
  set(['brp', 'api', 'apiKey'], env.REGION_BRP_API_KEY);
  return o;
}

/** Loads and validates the configuration. `overrides` (tests, CLI) win over everything. */
export function loadConfig(env: Env = process.env, overrides: Json = {}): RegionConfig {
  // What this deployment sets itself (its config file, its environment), over the defaults.
  let own: Json = env.REGION_CONFIG ? readJson(resolve(env.REGION_CONFIG), env.REGION_CONFIG) : {};
  own = merge(merge(own, fromEnv(env)), overrides);
  const raw = merge(readJson(DEFAULT_CONFIG_FILE, DEFAULT_CONFIG_FILE), own);
  // Links in e-mails (an account's set-up link, a notice) point at this server unless the deployment names its public address.
  if ((own.mail as Json | undefined)?.portalBaseUrl === undefined && typeof raw.port === 'number' && typeof raw.host === 'string') {
    const host = raw.host === '0.0.0.0' || raw.host === '::' ? '127.0.0.1' : raw.host.includes(':') ? `[${raw.host}]` : raw.host;
    (raw.mail as Json).portalBaseUrl = `http://${host}:${raw.port}`;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || '(root)';
    throw new ConfigError(`config key ${key}: ${issue.message}`);
  }
  const config = parsed.data;
  const n = config.national;
  if (n.enabled) {
    if (!n.url) throw new ConfigError('config key national.url: required when national.enabled is true (set REGION_NATIONAL_URL)');
    if (n.url.startsWith('http:') && !n.allowPlainHttp) throw new ConfigError('config key national.url: plain http needs national.allowPlainHttp (development only); use https with national.tls');
    if (n.url.startsWith('https:') && !n.tls) throw new ConfigError('config key national.tls: caFile, certFile and keyFile are required for https');
    if (n.url.startsWith('https:') && n.tls) {
      for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
        if (!existsSync(n.tls[key])) throw new ConfigError(`config key national.tls.${key}: no file at ${n.tls[key]}`);
      }
    }
    if (config.mode === 'production' && n.allowPlainHttp) throw new ConfigError('config key national.allowPlainHttp: not allowed in production');
  }
  if (config.brp.source === 'api') {
    if (!config.brp.api) throw new ConfigError('config key brp.api.personenUrl: required when brp.source is "api" (set REGION_BRP_PERSONEN_URL, REGION_BRP_UPDATE_URL and REGION_BRP_API_KEY)');
    if (config.mode === 'production') {
      for (const key of ['personenUrl', 'updateUrl'] as const) {
        if (!config.brp.api[key].startsWith('https:')) throw new ConfigError(`config key brp.api.${key}: must be https in production`);
      }
    }
  }
  if (config.mode === 'production') {
    if (!config.keys.bsnEncryption) throw new ConfigError('config key keys.bsnEncryption: required in production (set REGION_BSN_ENCRYPTION_KEY)');
    if (!config.keys.bsnIndex) throw new ConfigError('config key keys.bsnIndex: required in production (set REGION_BSN_INDEX_KEY)');
    if (config.keys.bsnEncryption === config.keys.bsnIndex) throw new ConfigError('config key keys.bsnIndex: must differ from keys.bsnEncryption');
    if (config.demo) throw new ConfigError('config key demo: must be false in production (set REGION_DEMO=false)');
    if (config.portal.cookieSecure === false) throw new ConfigError('config key portal.cookieSecure: must be true in production (portal cookies travel over HTTPS only)');
    // The defaults name the demo: a covenant area says itself which it is (the national index knows regions by their id,
    // professionals by the name in the portal and in every e-mail). One that has run as the demo's sets that explicitly.
    const ownRegion = (own.region ?? {}) as Json;
    if (ownRegion.id === undefined) throw new ConfigError(`config key region.id: required in production, the covenant area's own id, not the demo's "${DEMO_REGION.id}" (set REGION_ID)`);
    if (ownRegion.name === undefined) throw new ConfigError(`config key region.name: required in production, the covenant area's own name, not the demo's "${DEMO_REGION.name}" (set REGION_NAME)`);
  }
  return config;
}
