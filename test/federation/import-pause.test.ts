import { expect } from 'chai';
import { holdImport } from '../helpers/import-note.js';
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
    // An import in another process holds the database; the clock moves so that every fetch would write a new time.
    const importing = await holdImport(t.dataDir);
    let during: string | undefined;
    try {
      await pause(2500); // the server looks at the note twice a second; a long poll in flight ends within one second (its write waits)
      t.clock.advanceDays(1);
      during = lastFetch();
      await pause(2500);
      expect(lastFetch(), 'no fetch recorded during the import').to.equal(during);
    } finally {
      await importing.release();
    }
    await eventually(async () => (lastFetch() !== during ? true : undefined), 15_000, 'a fetch after the import');
  });
});
