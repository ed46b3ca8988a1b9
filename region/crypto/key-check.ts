import { ConfigError } from '../../config/load.js';
import type { Db } from '../store/db.js';
import type { BsnVault } from './bsn-vault.js';

/**
 * Proves at every start, server and CLI alike, that the BSN keys in use are the ones the data
 * folder was made with. A database keeps a check value of each key (migration 11): the keyed hash
 * of a fixed text (the index key) and that text sealed (the encryption key). Without the check,
 * a command run without the production environment made development keys next to real data and
 * imported signals under them; and a folder whose dev-keys.json was lost got new keys silently,
 * so the same BSNs no longer matched the signals already held.
 *
 * A database made before the check existed gets its check values at the first start whose keys
 * open one of its sealed BSNs and give that signal's youth key; a database without data, at once.
 */
const CHECK_TEXT = 'verwijsindex key check';

const WRONG_KEYS =
  'is not the one this data folder was made with: set REGION_BSN_ENCRYPTION_KEY and REGION_BSN_INDEX_KEY to the keys of this covenant area ' +
  '(in development: the dev-keys.json that belongs to this folder), and check REGION_MODE and REGION_DATA_DIR';

export function checkBsnKeys(db: Db, vault: BsnVault, now: Date): void {
  const stored = db.prepare<[], { index_check: string; sealed_check: Buffer }>('SELECT index_check, sealed_check FROM key_check').get();
  if (stored) {
    if (vault.keyedHash(CHECK_TEXT) !== stored.index_check) throw new ConfigError(`the BSN index key ${WRONG_KEYS}`);
    if (openOrNull(vault, stored.sealed_check) !== CHECK_TEXT) throw new ConfigError(`the BSN encryption key ${WRONG_KEYS}`);
    return;
  }
  const sample = db.prepare<[], { youth_key: string; bsn_sealed: Buffer }>('SELECT youth_key, bsn_sealed FROM signals WHERE bsn_sealed IS NOT NULL LIMIT 1').get();
  if (sample) {
    const bsn = openOrNull(vault, sample.bsn_sealed);
    if (bsn === null) throw new ConfigError(`the BSN encryption key ${WRONG_KEYS}`);
    if (vault.youthKey(bsn) !== sample.youth_key) throw new ConfigError(`the BSN index key ${WRONG_KEYS}`);
  }
  db.prepare('INSERT INTO key_check (index_check, sealed_check, created_at) VALUES (?, ?, ?)').run(vault.keyedHash(CHECK_TEXT), vault.seal(CHECK_TEXT), now.toISOString());
}

function openOrNull(vault: BsnVault, sealed: Buffer): string | null {
  try {
    return vault.open(sealed);
  } catch {
    return null;
  }
}
