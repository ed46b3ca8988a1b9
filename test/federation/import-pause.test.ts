import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPORT_NOTE_FILE } from '../../region/store/import-lock.js';
import { startTestNational, type TestNational } from '../helpers/national.js';
import { startTestRegion, type TestRegion } from '../helpers/region.js';
import { eventually, nationalSettings } from '../helpers/federation.js';

describe('the connector while an operator\'s import runs', function () {
  this.timeout(30_000);
  let nat: TestNational;
  let t: TestRegion;
  const lastFetch = () => t.region.ctx.db.prepare("SELECT value FROM sync_state WHERE key = 'lastFetchAt'").pluck().get() as string | undefined;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(async () => {
    nat = await startTestNational();
    t = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url, { longPollSeconds: 1 }) });
  });
  afterEach(async () => {
    await t.close();
    await nat.close();
  });

  it('writes nothing while the import holds the database, and goes on by itself once it has finished', async () => {
    await eventually(async () => lastFetch(), 10_000, 'a first fetch');
    // The note of a live import (this process stands in for it); the clock moves so that every fetch would write a new time.
    const note = join(t.dataDir, IMPORT_NOTE_FILE);
    writeFileSync(note, JSON.stringify({ pid: process.pid, command: 'import-signals', startedAt: new Date().toISOString() }));
    await pause(2500); // the server looks at the note twice a second; a long poll in flight ends within one second
    t.clock.advanceDays(1);
    const during = lastFetch();
    await pause(2500);
    expect(lastFetch(), 'no fetch recorded during the import').to.equal(during);
    rmSync(note);
    await eventually(async () => (lastFetch() !== during ? true : undefined), 15_000, 'a fetch after the import');
  });
});
