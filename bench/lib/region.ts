import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type RegionConfig } from '../../config/load.js';
import { createRegionServices, REGION_DB_FILE, type RegionServices } from '../../region/create-region.js';
import { createLogger } from '../../region/log.js';
import { startCheckpointer } from '../../region/store/checkpointer.js';
import { covenantSetup, type AreaSize } from './data.js';

/** Regions for the benchmarks: the product's own config loader and composition root, on a folder of the run. */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef0123456789';

/** The size of the synthetic covenant area: 10 municipalities, 100 institutions of 20 professionals. */
export const AREA: AreaSize = { municipalities: 10, institutions: 100, professionalsPerInstitution: 20 };

export function benchConfig(dataDir: string, overrides: Record<string, unknown> = {}): RegionConfig {
  // No environment: a developer's REGION_* variables must not change what is measured.
  return loadConfig({}, {
    host: '127.0.0.1', port: 0, dataDir, demo: false, adminToken: BENCH_ADMIN_TOKEN,
    log: { level: 'error' }, lifecycle: { runAtStart: false }, ...overrides,
  });
}

function openServices(dataDir: string, overrides: Record<string, unknown> = {}): RegionServices {
  const config = benchConfig(dataDir, overrides);
  return createRegionServices(config, { log: createLogger(config.log.level, process.stderr) });
}

export function withServices<T>(dataDir: string, work: (s: RegionServices) => T, overrides: Record<string, unknown> = {}): T {
  const s = openServices(dataDir, overrides);
  try {
    return work(s);
  } finally {
    s.ctx.db.close();
  }
}

/** The same, with the background WAL checkpointer that createRegion starts when the index serves (region/store/checkpointer.ts). */
export async function withRunningServices<T>(dataDir: string, work: (s: RegionServices) => T): Promise<T> {
  const s = openServices(dataDir);
  const checkpointer = startCheckpointer(s.ctx.db, s.ctx.log);
  try {
    return work(s);
  } finally {
    await checkpointer.stop();
    s.ctx.db.close();
  }
}

export interface Area {
  professionals: { id: string; institutionId: string }[];
}

/** A new region on `dataDir` with the synthetic covenant area. */
export function createArea(dataDir: string, size: AreaSize = AREA): Area {
  mkdirSync(dataDir, { recursive: true });
  return withServices(dataDir, (s) => {
    const result = s.covenant.importSetup({ kind: 'system' }, covenantSetup(size));
    return { professionals: result.institutions.flatMap((i) => i.professionals.map((p) => ({ id: p.id, institutionId: i.id }))) };
  });
}

/** Copies a closed region's folder (its database after a checkpoint, and its development keys). */
export function copyRegion(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === REGION_DB_FILE || name === 'dev-keys.json') copyFileSync(join(from, name), join(to, name));
  }
  if (existsSync(join(from, `${REGION_DB_FILE}-wal`))) throw new Error(`copyRegion: ${from} was not closed cleanly (a WAL file is left)`);
}
