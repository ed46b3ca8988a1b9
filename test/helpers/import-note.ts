import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { IMPORT_NOTE_FILE } from '../../region/store/import-lock.js';

/**
 * What a running `region import-signals` leaves for the server: another process that holds the
 * database's write lock, with its note beside the database. Ends (and lets go) when released.
 */
export async function holdImport(dataDir: string): Promise<{ pid: number; release(): Promise<void> }> {
  const note = join(dataDir, IMPORT_NOTE_FILE);
  const child = spawn(process.execPath, ['-e', `
    const fs = require('fs'); const Database = require('better-sqlite3');
    fs.writeFileSync(${JSON.stringify(note)}, JSON.stringify({ pid: process.pid, command: 'import-signals', startedAt: new Date().toISOString() }));
    const db = new Database(${JSON.stringify(join(dataDir, 'region.db'))});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('held\\n');
    process.stdin.on('end', () => { db.exec('ROLLBACK'); fs.rmSync(${JSON.stringify(note)}, { force: true }); process.exit(0); });
    process.stdin.resume();
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the import stand-in ended early (${code})`)));
  });
  return {
    pid: child.pid!,
    release: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end();
    }),
  };
}
