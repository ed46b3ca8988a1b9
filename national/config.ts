import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/load.js';

/**
 * The reference national index's configuration: one JSON file (NATIONAL_CONFIG) plus a few
 * environment variables, validated once; a bad value stops start-up with one line naming the key.
 */
const key32 = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

export const nationalConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8443),
  dataDir: z.string().min(1).default('./data-national'),
  timeZone: z.string().default('Europe/Amsterdam'),
  /** Two-way TLS: the server's certificate and the CA that signed the regions' client certificates. */
  tls: z.strictObject({ certFile: z.string(), keyFile: z.string(), caFile: z.string() }).nullable().default(null),
  /** Plain HTTP, for development only: regions are then named by the X-Region-Id header. */
  allowPlainHttp: z.boolean().default(false),
  regions: z
    .array(z.strictObject({
      id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be 2-40 characters a-z, 0-9 or -'),
      name: z.string().min(1),
      /** The region's client certificate (PEM); its fingerprint identifies the region. */
      certFile: z.string().optional(),
    }))
    .min(1, 'name at least one region'),
  feed: z.strictObject({ retentionDays: z.number().int().min(1).default(30) }).default({ retentionDays: 30 }),
  /** Match snapshots held for a region's paged read (protocol 1.2, docs/sync-protocol.md): let go after this long idle or this old; at most `max` at once. */
  matchSnapshots: z
    .strictObject({
      idleSeconds: z.number().int().min(1).default(60),
      maxAgeSeconds: z.number().int().min(1).default(300),
      max: z.number().int().min(0).default(4),
    })
    .default({ idleSeconds: 60, maxAgeSeconds: 300, max: 4 }),
  keys: z.strictObject({ bsnEncryption: key32.nullable().default(null), bsnIndex: key32.nullable().default(null) }).default({ bsnEncryption: null, bsnIndex: null }),
  mode: z.enum(['development', 'production']).default('development'),
  /** BRP API Personen, for family links across regions; null: no family matching nationally. */
  brp: z
    .strictObject({
      personenUrl: z.url('must be the http(s) base URL of BRP API Personen'),
      apiKey: z.string().min(1, 'is required'),
      apiKeyHeader: z.string().default('X-API-KEY'),
      timeoutMs: z.number().int().min(100).default(10_000),
      /** Seconds between attempts to look up again the family links the BRP could not give at delivery. */
      retrySeconds: z.number().int().min(1).default(300),
    })
    .nullable()
    .default(null),
  /** Residential addresses of institutions (BAG ids) that never make a family match. */
  institutionAddressIds: z.array(z.string().regex(/^\d{16}$/, 'must be a 16-digit BAG id')).default([]),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
});

export type NationalConfig = z.infer<typeof nationalConfigSchema>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Parses a config object; relative file names are resolved against `baseDir`. */
export function parseNationalConfig(raw: unknown, baseDir = process.cwd()): NationalConfig {
  const parsed = nationalConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`national config key ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const c = parsed.data;
  const abs = (f: string): string => resolve(baseDir, f);
  if (!c.tls && !c.allowPlainHttp) throw new ConfigError('national config key tls: required (or set allowPlainHttp: true for development only)');
  if (c.mode === 'production' && c.allowPlainHttp) throw new ConfigError('national config key allowPlainHttp: not allowed in production');
  // Without TLS a caller names its region in a header anyone can set: only this machine may call then.
  if (!c.tls && !LOOPBACK.has(c.host)) {
    throw new ConfigError(`national config key host: ${c.host} is not this machine alone; without TLS a caller's region is only a header, so plain HTTP listens on 127.0.0.1, ::1 or localhost (configure tls to listen on ${c.host})`);
  }
  if (c.mode === 'production' && (!c.keys.bsnEncryption || !c.keys.bsnIndex)) throw new ConfigError('national config key keys: real BSN keys are required in production');
  if (c.tls) {
    for (const r of c.regions) if (!r.certFile) throw new ConfigError(`national config key regions.${r.id}.certFile: required with TLS`);
  }
  return {
    ...c,
    dataDir: abs(c.dataDir),
    tls: c.tls ? { certFile: abs(c.tls.certFile), keyFile: abs(c.tls.keyFile), caFile: abs(c.tls.caFile) } : null,
    regions: c.regions.map((r) => ({ ...r, certFile: r.certFile ? abs(r.certFile) : undefined })),
  };
}

export function loadNationalConfig(env: Record<string, string | undefined> = process.env): NationalConfig {
  const file = env.NATIONAL_CONFIG;
  if (!file) throw new ConfigError('NATIONAL_CONFIG: name the national index config file (see config/national.example.json)');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`national config file ${file}: cannot be read as JSON (${(err as Error).message})`);
  }
  if (env.PORT) raw.port = Number(env.PORT);
  if (env.NATIONAL_DATA_DIR) raw.dataDir = env.NATIONAL_DATA_DIR;
  if (env.NATIONAL_BSN_ENCRYPTION_KEY || env.NATIONAL_BSN_INDEX_KEY) {
    raw.keys = { bsnEncryption: env.NATIONAL_BSN_ENCRYPTION_KEY ?? null, bsnIndex: env.NATIONAL_BSN_INDEX_KEY ?? null };
  }
  return parseNationalConfig(raw, dirname(resolve(file)));
}
