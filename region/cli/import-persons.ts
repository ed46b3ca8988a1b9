import type { Command } from 'commander';
import { createLocalPersonRegistry } from '../brp/local-registry.js';
import { CliError, runCommand, say, withRegion } from './run.js';

/**
 * `region import-persons <file>`: fills the local person registry (covenants without BRP access,
 * demo, tests) from a file in the BRP API's own answer shape. All or nothing; a bad file is
 * refused with the position, line and field of each bad record (docs/brp.md).
 */
export function addImportPersonsCommand(program: Command): void {
  program
    .command('import-persons')
    .description('import persons into the local population register (brp.source "local") from a BRP-shaped JSON file, all or nothing')
    .argument('<file>', 'a JSON file { "personen": [ Persoon, ... ] } as BRP API Personen answers')
    .action((file: string) =>
      runCommand((config) => {
        if (config.brp.source !== 'local') {
          throw new CliError('import-persons fills the local population register: set brp.source to "local" (REGION_BRP_SOURCE=local) first');
        }
        const r = withRegion(config, {}, (s) => createLocalPersonRegistry(s.ctx).importFile(file));
        say(`imported ${file}: ${r.added} added, ${r.changed} changed, ${r.unchanged} unchanged`);
      }),
    );
}
