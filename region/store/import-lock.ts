import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';

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

/** Whether another connection holds the database's write lock now (asked without waiting). */
export function writeLockHeld(db: Db): boolean {
  if (db.inTransaction) return false; // this connection's own transaction: nobody else holds it
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/** A second import while one runs: it could only wait for the first, and must not take its note away. */
export class ImportRunningError extends Error {
  readonly code = 'IMPORT_RUNNING';
  constructor(note: ImportNote) {
    super(`another import is running on this data folder (${note.command}, process ${note.pid}, since ${note.startedAt}): try again when it has finished`);
  }
}

/** Runs `work` with the note in place; it goes when the work ends, however it ends (only this process's own note). */
export function withImportNote<T>(dataDir: string, command: string, work: () => T): T {
  const file = join(dataDir, IMPORT_NOTE_FILE);
  const running = readNote(file);
  if (running) throw new ImportRunningError(running);
  rmSync(file, { force: true }); // a stale note (its process is gone)
  const note: ImportNote = { pid: process.pid, command, startedAt: new Date().toISOString() };
  try {
    writeFileSync(file, JSON.stringify(note), { mode: 0o644, flag: 'wx' });
  } catch (err) {
    const other = (err as NodeJS.ErrnoException).code === 'EEXIST' ? readNote(file) : null;
    if (other) throw new ImportRunningError(other);
    throw err;
  }
  try {
    return work();
  } finally {
    if (ownerOf(file) === process.pid) rmSync(file, { force: true });
  }
}

/**
 * The import running on this data folder, if any: read at most every `everyMs`, so a request pays
 * nothing for it. A note counts only while its process lives, is not this process (a container's
 * pid 1 may be both a killed import's and the server's), and the database's write lock is held.
 */
export function importWatch(dataDir: string, isLocked: () => boolean, everyMs = 500): () => ImportNote | null {
  const file = join(dataDir, IMPORT_NOTE_FILE);
  let checkedAt = -Infinity;
  let current: ImportNote | null = null;
  return () => {
    const now = Date.now();
    if (now - checkedAt < everyMs) return current;
    checkedAt = now;
    current = readNote(file, isLocked);
    return current;
  };
}

function ownerOf(file: string): number | null {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as ImportNote).pid;
  } catch {
    return null;
  }
}

function readNote(file: string, isLocked: () => boolean = () => true): ImportNote | null {
  let note: ImportNote;
  try {
    note = JSON.parse(readFileSync(file, 'utf8')) as ImportNote;
  } catch {
    return null; // none, or half written: the next look sees it whole
  }
  if (!Number.isInteger(note.pid) || note.pid <= 0 || note.pid === process.pid) return null;
  try {
    process.kill(note.pid, 0); // the process lives (a note left by a killed import is stale)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return isLocked() ? note : null;
}
