import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBsnVault } from '../../region/crypto/bsn-vault.js';
import { createLogger } from '../../region/log.js';
import { openDatabase } from '../../region/store/db.js';
import { createFeed } from '../../national/services/feed.js';
import { createNationalIndex } from '../../national/services/index.js';
import { NATIONAL_MIGRATIONS } from '../../national/store/migrations.js';
import { registered } from '../helpers/national.js';
import { validBsn } from '../helpers/region.js';

/**
 * The national index's matches on its own database file, with its BRP lookup answered from
 * a table of links (the BRP's side is tested against the fake BRP in test/federation/family.test.ts).
 */
describe('a signal that leaves a family match at the national index', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function nationalIndex(links: Map<string, string[]>) {
    const dir = mkdtempSync(join(tmpdir(), 'vir-national-family-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'national.db'), NATIONAL_MIGRATIONS);
    const feed = createFeed(db);
    const vault = createBsnVault(Buffer.alloc(32, 7), Buffer.alloc(32, 9));
    const index = createNationalIndex({
      db, vault, feed, log: createLogger('silent'), timeZone: 'Europe/Amsterdam', now: () => new Date('2026-03-03T10:00:00Z'),
      lookupFamily: async (bsn) => links.get(bsn) ?? null,
    });
    return { db, index, feed };
  }

  // Youth 1 (region A) shares a parent with youth 2 (region B), who shares the other parent with youths 3 and 4 (region B).
  // Youth 2's signal goes: the family falls apart into youth 1 alone and youths 3 and 4. Both ways round, since which
  // link the national index meets first follows the keyed hashes of the links.
  for (const [aSide, bSide] of [['parent:111', 'parent:222'], ['parent:222', 'parent:111']]) {
    it(`tells the region whose signal falls out of a family match that the match ended for it (links ${aSide}, ${bSide})`, async () => {
      const [y1, y2, y3, y4] = [0, 1, 2, 3].map(validBsn);
      const { db, index } = nationalIndex(new Map([[y1, [aSide]], [y2, [aSide, bSide]], [y3, [bSide]], [y4, [bSide]]]));
      await index.deliver('regio-a', [registered('A1', y1, 'pa')]);
      await index.deliver('regio-b', [registered('B2', y2, 'pb'), registered('B3', y3, 'pc'), registered('B4', y4, 'pd')]);
      const snapshot = (region: string) => index.matchSnapshot(region, { region, max: 100 }).matches.map((m) => ({ family: m.family, own: m.ownSignalIds, others: m.participants.length }));
      expect(snapshot('regio-a')).to.deep.equal([{ family: true, own: ['A1'], others: 4 }]);
      const headOfA = () => index.matchSnapshot('regio-a', { region: 'regio-a', max: 1 }).head;
      const before = headOfA();

      await index.deliver('regio-b', [{ eventId: 'rm-B2', kind: 'removed', signalId: 'B2', occurredAt: '2026-03-03T10:00:00.000Z', reason: 'correction' }]);
      expect(snapshot('regio-a')).to.deep.equal([]);
      expect(snapshot('regio-b')).to.deep.equal([{ family: true, own: ['B3', 'B4'], others: 2 }]);
      // Region A hears of it: its feed has an event that takes the match away from it.
      const events = db.prepare("SELECT event FROM feed WHERE region_id = 'regio-a' AND seq > ? ORDER BY seq").pluck().all(before) as string[];
      expect(events.map((e) => JSON.parse(e).kind)).to.include('ended');
      expect(headOfA()).to.be.greaterThan(before);
    });
  }
  it('ends a family match whose signals are all one professional\'s after a hand-over, and tells the region (7.1.2.3)', async () => {
    const [y1, y2, y3] = [0, 1, 2].map(validBsn);
    const { index, feed } = nationalIndex(new Map([[y1, ['parent:111']], [y2, ['parent:111']], [y3, ['parent:111']]]));
    const snapshot = (region: string) => index.matchSnapshot(region, { region, max: 100 }).matches.map((m) => ({ family: m.family, own: m.ownSignalIds }));
    // Siblings 1 and 2 in region A, of professionals pa and pb: a family match.
    await index.deliver('regio-a', [registered('A1', y1, 'pa'), registered('A2', y2, 'pb')]);
    expect(snapshot('regio-a')).to.deep.equal([{ family: true, own: ['A1', 'A2'] }]);
    // pa hands over to pb: both signals are pb's, so it is no family match any more.
    const before = feed.head('regio-a');
    await index.deliver('regio-a', [registered('A1', y1, 'pb')]);
    expect(snapshot('regio-a')).to.deep.equal([]);
    expect(feed.read('regio-a', before, 100).events.map((e) => [e.kind, e.family])).to.deep.equal([['ended', true]]);
    // A sibling in region B, of pc: a family match again; a hand-over from pb to pa in it then changes only the contact details.
    await index.deliver('regio-b', [registered('B3', y3, 'pc')]);
    expect(snapshot('regio-b')).to.deep.equal([{ family: true, own: ['B3'] }]);
    const beforeB = feed.head('regio-b');
    await index.deliver('regio-a', [registered('A2', y2, 'pa')]);
    expect(snapshot('regio-b')).to.deep.equal([{ family: true, own: ['B3'] }]);
    expect(feed.read('regio-b', beforeB, 100).events.map((e) => [e.kind, e.participants.map((p) => p.professional.id)])).to.deep.equal([['joined', ['pa']]]);
  });
});
