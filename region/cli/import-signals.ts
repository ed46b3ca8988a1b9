import type { Command } from 'commander';
import { withImportNote } from '../store/import-lock.js';
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import type { RegionConfig } from '../../config/load.js';
import { parseInput } from '../http/errors.js';
import { ImportRejected, type ImportReport } from '../services/bulk-import.js';
import type { Actor } from '../services/context.js';
import { CliError, runCommand, say, withRegion } from './run.js';

/**
 * `region import-signals <file>`: a supplier migrating a covenant area imports its signals from
 * an NDJSON file, one signal per line (docs/bulk-import.md). All or
 * nothing: a file with a bad line imports nothing, and every bad line is named by its number.
 */
const SYSTEM: Actor = { kind: 'system' };
// Digits only: an empty value or 0x2 is a mistake, not 0 or 2.
const workerCount = z.string().regex(/^\d{1,2}$/, 'must be a whole number from 0 to 16').transform(Number).pipe(z.number().max(16, 'must be at most 16'));

interface Options {
  workers?: string;
  json?: boolean;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function reportLines(file: string, r: ImportReport): string[] {
  const s = r.skipped;
  const skippedTotal = s.removalDatePassed + s.archiveEnded + s.duplicates;
  const rate = r.ms > 0 ? Math.round(((r.imported.active + r.imported.archived) * 1000) / r.ms) : 0;
  const lines = [
    `imported ${file}: ${count(r.lines, 'line')}, ${count(r.imported.active, 'active signal')} and ${count(r.imported.archived, 'archived signal')}; ` +
      `${count(r.matches.created, 'match', 'matches')} made without notices, ${count(r.matches.throughService, 'signal')} matched with a signal already here (notices sent)`,
    `file sha256 ${r.sha256}; signal ids ${r.ids.first ?? '-'} to ${r.ids.last ?? '-'}; ${(r.ms / 1000).toFixed(1)} s (${rate} signals/s)`,
  ];
  if (skippedTotal > 0) {
    lines.push(
      `skipped ${count(skippedTotal, 'line')}: ${s.removalDatePassed} past their removal date at the 23rd birthday, ${s.archiveEnded} past their archive end, ` +
        `${s.duplicates} repeating a signal of the same professional on the same youth (in the file, or already in the region)`,
    );
    for (const l of s.listed) lines.push(`  line ${l.line}: ${l.reason}`);
    if (s.listed.length < skippedTotal) lines.push(`  ... and ${skippedTotal - s.listed.length} more`);
  }
  return lines;
}

function rejection(file: string, err: ImportRejected): CliError {
  const lines = [`import of ${file} refused, nothing was imported: ${err.problemCount} of ${err.lines} lines are not valid signals`];
  for (const p of err.problems) lines.push(`  line ${p.line}: ${p.code} ${p.message}`);
  if (err.problems.length < err.problemCount) lines.push(`  ... and ${err.problemCount - err.problems.length} more`);
  return new CliError(lines.join('\n'));
}

export function importSignalsCommand(config: RegionConfig, file: string, options: Options): void {
  const workers = options.workers === undefined ? undefined : parseInput(workerCount, options.workers, '--workers');
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const report = withRegion(config, { mustExist: true }, (s) =>
    // A server on the same data folder refuses requests at once while the import holds the database.
    withImportNote(config.dataDir, 'import-signals', () => {
      try {
        return s.bulkImport.importFile(SYSTEM, file, { workers });
      } catch (err) {
        if (err instanceof ImportRejected) throw rejection(file, err);
        throw err;
      }
    }),
  );
  if (options.json) say(JSON.stringify(report, null, 2));
  else for (const line of reportLines(file, report)) say(line);
}

export function addImportSignalsCommand(program: Command): void {
  program
    .command('import-signals')
    .description('import signals from an NDJSON file (one signal per line), all or nothing, and make their matches')
    .argument('<file>', 'the file, one JSON object per line: bsn, birthDate, municipality, professionalId, registeredAt, removalDate (docs/bulk-import.md)')
    .option('--workers <n>', 'worker threads that parse and seal while the import writes (default: cores - 1; 0: none)')
    .option('--json', 'print the report as JSON')
    .action((file: string, options: Options) => runCommand((config) => importSignalsCommand(config, file, options)));
}
