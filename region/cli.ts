import Database from 'better-sqlite3';
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { mayHoldBsn } from './domain/bsn.js';
import type { RegionConfig } from '../config/load.js';
import { readCovenantFile, importSummary } from './cli/covenant-file.js';
import { addImportSignalsCommand } from './cli/import-signals.js';
import { addImportPersonsCommand } from './cli/import-persons.js';
import { CliError, databaseFile, runCommand, say, withDatabaseReadOnly, withRegion } from './cli/run.js';
import { regionStatus, statusTable } from './cli/status.js';
import { parseInput } from './http/errors.js';
import { AppError } from './errors.js';
import type { Actor } from './services/context.js';
import { REGION_MIGRATIONS } from './store/migrations.js';
import { createAuditLog } from './store/audit.js';

/**
 * The operator's commands for one regional index (`npm run region -- <command>`, or the `region`
 * bin). Each loads the configuration like the server does (config/default.json, the file named
 * by REGION_CONFIG, then environment variables) and works on the database in the data folder;
 * none needs the HTTP server, and each may run while the server runs.
 */

const SYSTEM: Actor = { kind: 'system' };

/** Exit code of verify-audit when the chain is broken: distinct from 1, "the command failed". */
export const EXIT_AUDIT_BROKEN = 2;

function schemaVersionOf(file: string): number {
  const db = new Database(file, { fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

function migrateCommand(config: RegionConfig): void {
  const file = databaseFile(config);
  const latest = REGION_MIGRATIONS.length;
  const before = existsSync(file) ? schemaVersionOf(file) : 0;
  if (before > latest) {
    throw new CliError(`the database ${file} has schema version ${before}, newer than this release knows (${latest}): install the newer release`);
  }
  const after = withRegion(config, {}, (s) => s.ctx.db.pragma('user_version', { simple: true }) as number);
  const applied = after - before;
  say(`schema version ${after} (${applied === 0 ? 'already up to date' : `${applied} migration${applied === 1 ? '' : 's'} applied`}): ${file}`);
}

const adminTokenLabel = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters')
  .refine((v) => !mayHoldBsn(v), 'holds a number that may be a BSN: leave it out');

function createAdminTokenCommand(config: RegionConfig, options: { label?: string }): void {
  const label = options.label === undefined ? null : parseInput(adminTokenLabel, options.label, '--label');
  const { id, token } = withRegion(config, {}, (s) => s.covenant.createAdminToken(SYSTEM, label));
  say(`admin token ${id}${label ? ` (${label})` : ''} created; it is shown only this once, store it safely:`);
  say(token);
}

function adminTokensCommand(config: RegionConfig): void {
  const tokens = withRegion(config, { mustExist: true }, (s) => s.covenant.listAdminTokens());
  if (tokens.length === 0) {
    say('no admin tokens (create one with create-admin-token)');
    return;
  }
  for (const t of tokens) say(`${t.id}  created ${t.createdAt}  ${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}${t.label ? `  ${t.label}` : ''}`);
}

function revokeAdminTokenCommand(config: RegionConfig, id: string): void {
  const result = withRegion(config, { mustExist: true }, (s) => {
    try {
      return s.covenant.revokeAdminToken(SYSTEM, id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw new CliError(`no admin token with id ${id} (admin-tokens lists them)`);
      throw err;
    }
  });
  say(result.already ? `admin token ${id} was already revoked at ${result.revokedAt}` : `admin token ${id} revoked; it is refused from the next request on`);
}

function importCovenantCommand(config: RegionConfig, file: string): void {
  const setup = readCovenantFile(file);
  const result = withRegion(config, {}, (s) => {
    try {
      return s.covenant.importSetup(SYSTEM, setup);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new CliError(`import of ${file} aborted, nothing was imported: ${reason}`);
    }
  });
  for (const line of importSummary(file, setup, result)) say(line);
}

function statusCommand(config: RegionConfig, options: { json?: boolean }): void {
  const status = withDatabaseReadOnly(config, (db) => regionStatus(config, db));
  if (options.json) say(JSON.stringify(status, null, 2));
  else for (const line of statusTable(status)) say(line);
}

function verifyAuditCommand(config: RegionConfig): number {
  const result = withDatabaseReadOnly(config, (db) => createAuditLog(db).verify());
  if (result.ok) {
    say(`audit log intact: ${result.entries} entries`);
    return 0;
  }
  say(`audit log broken at entry ${result.firstBrokenSeq}: that entry, or the chain before it, was altered or removed`);
  return EXIT_AUDIT_BROKEN;
}

const program = new Command()
  .name('region')
  .description(
    'Operator commands for a regional index of the Verwijsindex Risicojongeren.\n' +
      'Configuration: config/default.json, then the file named by REGION_CONFIG, then environment variables (docs/operations.md).',
  )
  .showHelpAfterError();

program
  .command('migrate')
  .description('create the data folder and database if needed, bring the schema up to date, print its version')
  .action(() => runCommand(migrateCommand));

program
  .command('create-admin-token')
  .description('create an admin token for the admin API and print it (only this once; it is stored hashed)')
  .option('--label <text>', 'what the token is for, e.g. the administrator\'s team')
  .action((options: { label?: string }) => runCommand((config) => createAdminTokenCommand(config, options)));

program
  .command('admin-tokens')
  .description('list the admin tokens made with create-admin-token: id, when created, active or revoked, label')
  .action(() => runCommand(adminTokensCommand));

program
  .command('revoke-admin-token')
  .description('revoke an admin token (by the id create-admin-token or admin-tokens printed); it is refused from its next request on')
  .argument('<id>', 'the token\'s id')
  .action((id: string) => runCommand((config) => revokeAdminTokenCommand(config, id)));

program
  .command('import-covenant')
  .description('import municipalities, institutions and professionals from a JSON setup file, all or nothing')
  .argument('<file>', 'the setup file, shaped like config/covenant.example.json')
  .action((file: string) => runCommand((config) => importCovenantCommand(config, file)));

addImportSignalsCommand(program);
addImportPersonsCommand(program);

program
  .command('status')
  .description('print the region, its mode, data folder, schema version and counts')
  .option('--json', 'print JSON instead of a table')
  .action((options: { json?: boolean }) => runCommand((config) => statusCommand(config, options)));

program
  .command('verify-audit')
  .description(`check the audit log's hash chain; exit code ${EXIT_AUDIT_BROKEN} when it is broken`)
  .action(() => runCommand(verifyAuditCommand));

// `region status | head -3`: a reader that stops early is no failure of the command.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit();
});

await program.parseAsync(process.argv);
