import { existsSync } from 'node:fs';
import { LOCKED_MESSAGE } from '../store/import-lock.js';
import { maskBsns } from '../domain/bsn.js';
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, type RegionConfig } from '../../config/load.js';
import { createRegionServices, REGION_DB_FILE, type RegionServices } from '../create-region.js';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import type { Db } from '../store/db.js';
import { REGION_MIGRATIONS } from '../store/migrations.js';

/**
 * How every operator command runs: load the configuration, open the regional index without its
 * HTTP server, do the work, close the database, and turn any failure into one line on stderr
 * and an exit code. A mistake the operator can fix never shows a stack trace.
 */

/** A mistake the operator can fix, with the exit code the command ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What a command prints for the operator: stdout, one line per call. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function databaseFile(config: RegionConfig): string {
  return resolve(config.dataDir, REGION_DB_FILE);
}

export interface OpenOptions {
  /** Refuse a data folder without a database instead of creating one (read-only commands). */
  mustExist?: boolean;
}

/**
 * Opens the regional index on the configured data folder (creating it, and migrating the
 * database, as the server does at start), runs `work`, and always closes the database.
 * Logs go to stderr, so that stdout holds only what the command prints.
 */
export function withRegion<T>(config: RegionConfig, options: OpenOptions, work: (s: RegionServices) => T): T {
  const file = databaseFile(config);
  if (options.mustExist && !existsSync(file)) {
    throw new CliError(`no database at ${file}: run "region migrate" first, or check REGION_DATA_DIR`);
  }
  const services = createRegionServices(config, { log: createLogger(config.log.level, process.stderr) });
  try {
    return work(services);
  } finally {
    services.ctx.db.close();
  }
}

/**
 * Opens the database for a command that only reads (status, verify-audit): read-only, without the
 * BSN keys, and without migrating. Such a command may run beside a server of another version (or
 * from a daily cron), so it must not upgrade the schema under it, nor make development keys; a
 * schema it does not know is refused with what to do.
 */
export function withDatabaseReadOnly<T>(config: RegionConfig, work: (db: Db) => T): T {
  const file = databaseFile(config);
  if (!existsSync(file)) throw new CliError(`no database at ${file}: run "region migrate" first, or check REGION_DATA_DIR`);
  let db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_READONLY_ROLLBACK') throw err;
      // A first import was killed and left its journal: only a writer may roll it back, as the
      // server or any command would at its next start. Done here, and the reading goes on.
      db.close();
      const writer = new Database(file, { fileMustExist: true });
      writer.pragma('busy_timeout = 5000');
      writer.prepare('SELECT count(*) FROM sqlite_schema').get();
      writer.close();
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      version = db.pragma('user_version', { simple: true }) as number;
    }
    if (version !== REGION_MIGRATIONS.length) {
      throw new CliError(
        `the database at ${file} is at schema version ${version}, this software at ${REGION_MIGRATIONS.length}: ` +
          (version < REGION_MIGRATIONS.length ? 'upgrade it with "region migrate" (the server does so at start)' : 'use the software that made it'),
      );
    }
    return work(db);
  } finally {
    db.close();
  }
}

/** Runs one command with the configuration from config/default.json, REGION_CONFIG and the environment. */
export async function runCommand(command: (config: RegionConfig) => number | void | Promise<number | void>): Promise<void> {
  try {
    const config = loadConfig();
    process.exitCode = (await command(config)) ?? 0;
  } catch (err) {
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
    // What a command prints about bad input never shows a number that may be a BSN (a file's line can hold one in any field).
    process.stderr.write(`${maskBsns(describeFailure(err))}\n`);
  }
}

/** One line for a failure. Only a failure nobody foresaw (a bug) also gets its stack, for the bug report. */
export function describeFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof CliError || err instanceof AppError) return err.message;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return LOCKED_MESSAGE;
    if (code === 'EISDIR') return `${err.message.replace(/^EISDIR: illegal operation on a directory, read$/, 'a folder was given where a file was expected')} (EISDIR)`;
    // Operating system (EACCES, ENOSPC, ...) and SQLite (SQLITE_NOTADB, ...) failures.
    if (typeof code === 'string') return `${err.message} (${code})`;
    return `unexpected error: ${err.message}\n${err.stack ?? ''}`.trimEnd();
  }
  return `unexpected error: ${String(err)}`;
}
