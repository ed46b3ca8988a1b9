import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An operator's import holds the database's write lock for as long as it runs (minutes for a
 * migrated region). A server on the same data folder would make every request wait the busy
 * timeout in turn on its one thread (and /health behind them), then refuse it. So the import
 * leaves a note beside the database while it runs, and the server refuses at once what needs the
 * database (503 BUSY) and skips its background runs while the note is there and its process lives.
 */
export interface ImportNote {
  pid: number;
  command: string;
  startedAt: string;
}

export const IMPORT_NOTE_FILE = 'import.lock';

/** What a command or the server's start says when another process holds the write lock past the busy timeout. */
export const LOCKED_MESSAGE =
  'the database is locked by another process that writes to it (an import-signals still running, most likely): nothing was changed; try again when it has finished (SQLITE_BUSY)';

/** Runs `work` with the note in place; it goes when the work ends, however it ends. */
export function withImportNote<T>(dataDir: string, command: string, work: () => T): T {
  const file = join(dataDir, IMPORT_NOTE_FILE);
  const note: ImportNote = { pid: process.pid, command, startedAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(note), { mode: 0o644 });
  try {
    return work();
  } finally {
    rmSync(file, { force: true });
  }
}

/** The import running on this data folder, if any: read at most every `everyMs`, so a request pays nothing for it. */
export function importWatch(dataDir: string, everyMs = 500): () => ImportNote | null {
  const file = join(dataDir, IMPORT_NOTE_FILE);
  let checkedAt = -Infinity;
  let current: ImportNote | null = null;
  return () => {
    const now = Date.now();
    if (now - checkedAt < everyMs) return current;
    checkedAt = now;
    current = readNote(file);
    return current;
  };
}

function readNote(file: string): ImportNote | null {
  let note: ImportNote;
  try {
    note = JSON.parse(readFileSync(file, 'utf8')) as ImportNote;
  } catch {
    return null; // none, or half written: the next look sees it whole
  }
  if (!Number.isInteger(note.pid) || note.pid <= 0) return null;
  try {
    process.kill(note.pid, 0); // the process lives (a note left by a killed import is stale)
    return note;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? note : null;
  }
}
