import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type RegionConfig } from '../../config/load.js';

export interface BsnKeys {
  encryption: Buffer;
  index: Buffer;
}

export const DEV_KEYS_FILE = 'dev-keys.json';

/**
 * The BSN keys from config. In development, missing keys are generated once into the data
 * folder (with a warning); in production, loadConfig has already refused to start without them.
 */
export function resolveBsnKeys(config: RegionConfig, log: Logger): BsnKeys {
  const { bsnEncryption, bsnIndex } = config.keys;
  if (bsnEncryption && bsnIndex) {
    return { encryption: Buffer.from(bsnEncryption, 'base64'), index: Buffer.from(bsnIndex, 'base64') };
  }
  if (config.mode === 'production') throw new ConfigError('config key keys.bsnEncryption: required in production');
  const file = join(config.dataDir, DEV_KEYS_FILE);
  if (!existsSync(file)) {
    const keys = { bsnEncryption: randomBytes(32).toString('base64'), bsnIndex: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  log.warn({ file }, 'development BSN keys in use; set REGION_BSN_ENCRYPTION_KEY and REGION_BSN_INDEX_KEY for real data');
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { bsnEncryption: string; bsnIndex: string };
  return {
    encryption: Buffer.from(bsnEncryption ?? stored.bsnEncryption, 'base64'),
    index: Buffer.from(bsnIndex ?? stored.bsnIndex, 'base64'),
  };
}
