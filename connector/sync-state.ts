import type { Db } from '../region/store/db.js';

/** The connector's small persistent state (cursor, last exchanges), in the region's database. */
export function syncState(db: Db) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
  const set = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get: (key: string): string | null => get.get(key)?.value ?? null,
    set: (key: string, value: string): void => {
      set.run(key, value);
    },
  };
}
