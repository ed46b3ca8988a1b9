import { expect } from 'chai';
import type { SignalEvent } from '../../national/protocol/types.js';
import { registered, soapCall, startTestNational, type TestNational } from '../helpers/national.js';

/**
 * A batch runs in one transaction and answers its lookups from a snapshot taken at its start
 * (national/services/batch-snapshot.ts); these check that each event still sees what the events
 * before it in the same batch did, and that a failing event is rolled back alone; and how a
 * registered event's removal date is checked against the legal maximum.
 */
const removed = (signalId: string, eventId: string): SignalEvent => ({ eventId, kind: 'removed', signalId, occurredAt: '2026-03-03T09:00:00.000Z', reason: 'unjustified' });

describe('a batch of events at the national index', () => {
  let t: TestNational;
  beforeEach(async () => {
    t = await startTestNational();
  });
  afterEach(async () => t.close());

  const count = (sql: string): number => (t.national.ctx.db.prepare(sql).get() as { n: number }).n;

  it('rolls back only the event that fails in the middle of a batch, and acknowledges the others as usual', async () => {
    t.national.ctx.db.exec("CREATE TRIGGER fail_boom BEFORE INSERT ON signals WHEN NEW.signal_id = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END");
    const a1 = registered('a1', '111222333', 'p1');
    const boom = registered('boom', '111222333', 'p2');
    const a2 = registered('a2', '111222333', 'p3');
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [a1, boom, a2, a1] });
    expect(r.acks.map((a) => [a.eventId, a.result, a.code])).to.deep.equal([
      [a1.eventId, 'accepted', undefined], [boom.eventId, 'rejected', 'VERWERKING_MISLUKT'], [a2.eventId, 'accepted', undefined], [a1.eventId, 'duplicate', undefined],
    ]);
    expect(count("SELECT COUNT(*) AS n FROM signals WHERE signal_id = 'boom'")).to.equal(0);
    expect(count('SELECT COUNT(*) AS n FROM processed_events')).to.equal(2);
    const feed = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    expect(feed.events.map((e) => [e.kind, e.ownSignalIds])).to.deep.equal([['arose', ['a1', 'a2']]]);

    t.national.ctx.db.exec('DROP TRIGGER fail_boom');
    const again = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [boom] });
    expect(again.acks[0].result).to.equal('accepted');
    const later = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 1, max: 10, waitSeconds: 0 });
    expect(later.events.map((e) => [e.kind, e.ownSignalIds])).to.deep.equal([['joined', ['boom']]]);
  });

  it('lets each event see what the events before it in the same batch did', async () => {
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b1', '232262536', 'pb')] });
    const s1 = registered('s1', '111222333', 'p1');
    const s2 = registered('s2', '111222333', 'p2');
    const s3 = registered('s3', '232262536', 'p3');
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', {
      region: 'regio-a',
      events: [
        s1, s2, s1, removed('s2', 'rm-s2'), removed('s2', 'rm-s2-again'), { ...s1, eventId: 'again-s1' }, { ...s2, eventId: 'again-s2' },
        s3, removed('nope', 'rm-nope'), { ...s3, eventId: 'rm-s2' },
      ],
    });
    expect(r.acks.map((a) => [a.eventId, a.result, a.code])).to.deep.equal([
      [s1.eventId, 'accepted', undefined], [s2.eventId, 'accepted', undefined], [s1.eventId, 'duplicate', undefined],
      ['rm-s2', 'accepted', undefined], ['rm-s2-again', 'accepted', undefined], ['again-s1', 'accepted', undefined],
      ['again-s2', 'rejected', 'AL_VERWIJDERD'], [s3.eventId, 'accepted', undefined], ['rm-nope', 'rejected', 'ONBEKENDE_MELDING'],
      ['rm-s2', 'duplicate', undefined],
    ]);
    const feed = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    expect(feed.events.map((e) => [e.kind, e.ownSignalIds])).to.deep.equal([['arose', ['s1', 's2']], ['ended', ['s1', 's2']], ['arose', ['s3']]]);
    const other = await soapCall(t.url, 'regio-b', 'HaalMatches', { region: 'regio-b', after: 0, max: 10, waitSeconds: 0 });
    expect(other.events.map((e) => [e.kind, e.ownSignalIds])).to.deep.equal([['arose', ['b1']]]);
    const collision = await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [{ ...registered('b2', '111222333', 'pb'), eventId: s1.eventId }] });
    expect(collision.acks[0]).to.include({ result: 'rejected', code: 'ID_IN_GEBRUIK' });
  });

  it('counts the two years of 7.1.4.5 from the Dutch day of registration, also just after midnight when the UTC date is the day before', async () => {
    // 00:30 in Amsterdam on 30 November is 23:30 UTC on 29 November; the region gave the maximum, 30 November 2028.
    const justAfterMidnight = { registeredAt: '2026-11-29T23:30:00.000Z', occurredAt: '2026-11-29T23:30:00.000Z', removalDate: '2028-11-30' };
    const ok = registered('night', '111222333', 'p1', justAfterMidnight);
    const tooLate = registered('night-late', '232262536', 'p2', { ...justAfterMidnight, removalDate: '2028-12-01' });
    const summer = registered('summer', '123456782', 'p3', { registeredAt: '2026-06-30T22:30:00.000Z', occurredAt: '2026-06-30T22:30:00.000Z', removalDate: '2028-07-01' });
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [ok, tooLate, summer] });
    expect(r.acks.map((a) => [a.eventId, a.result, a.code])).to.deep.equal([
      [ok.eventId, 'accepted', undefined], [tooLate.eventId, 'rejected', 'VERWIJDERDATUM_TE_LAAT'], [summer.eventId, 'accepted', undefined],
    ]);
  });

  it('refuses a signal the law does not allow, so that it makes no match across regions: a youth already 23, a removal date before registration, an extension past two years', async () => {
    const day = { registeredAt: '2026-03-02T09:00:00.000Z', occurredAt: '2026-03-02T09:00:00.000Z' };
    const tooOld = registered('old', '111222333', 'p1', { ...day, turns23On: '2026-01-01', removalDate: '2025-12-01' });
    const removedBefore = registered('early', '111222333', 'p2', { ...day, removalDate: '2026-03-02' });
    const ok = registered('ok', '232262536', 'p3', day);
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [tooOld, removedBefore, ok] });
    expect(r.acks.map((a) => [a.eventId, a.result, a.code])).to.deep.equal([
      [tooOld.eventId, 'rejected', 'TE_OUD'], [removedBefore.eventId, 'rejected', 'VERWIJDERDATUM_TE_VROEG'], [ok.eventId, 'accepted', undefined],
    ]);
    // The other region's signal on the first youth makes no match with the refused ones.
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b1', '111222333', 'p9', day)] });
    expect((await soapCall(t.url, 'regio-b', 'HaalMatches', { region: 'regio-b', after: 0, max: 10, waitSeconds: 0 })).events).to.deep.equal([]);
    const extend = (eventId: string, removalDate: string) => ({ eventId, kind: 'extended' as const, signalId: 'ok', occurredAt: '2026-09-01T10:00:00.000Z', removalDate });
    const ext = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [extend('x-late', '2028-09-02'), extend('x-ok', '2028-09-01')] });
    expect(ext.acks.map((a) => [a.eventId, a.result, a.code])).to.deep.equal([['x-late', 'rejected', 'VERWIJDERDATUM_TE_LAAT'], ['x-ok', 'accepted', undefined]]);
  });

  it('refuses a message with a registration moment that does not exist (SCHEMA, as the XSD does), and takes the other events sent on their own', async () => {
    const bad = registered('bad-moment', '111222333', 'p1', { registeredAt: '2026-13-01T10:00:00Z' });
    const good = registered('good', '232262536', 'p2');
    const refused = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [bad, good] }).then(() => null, (e: unknown) => e);
    expect(refused).to.include({ code: 'SCHEMA' });
    // The connector then splits the batch: the good event goes through on its own.
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [good] });
    expect(r.acks.map((a) => [a.eventId, a.result])).to.deep.equal([[good.eventId, 'accepted']]);
  });
  it('ends a match whose signals are all one professional\'s after a hand-over, and tells the region, as the region ends it (7.1.2.3)', async () => {
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'p1'), registered('a2', '111222333', 'p2'), registered('a3', '232262536', 'p1'), registered('a4', '232262536', 'p3')] });
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b4', '232262536', 'p9')] });
    // p1 hands over to p2, who has the other signal on the first youth: that match ends. On the second youth p2 takes p1's place
    // beside p3 and region B's p9: that match goes on, with the colleague's details.
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'p2'), registered('a3', '232262536', 'p2')] });
    expect(r.acks.map((a) => a.result)).to.deep.equal(['accepted', 'accepted']);
    const feed = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 20, waitSeconds: 0 });
    const events = feed.events.map((e) => [e.kind, [...e.ownSignalIds].sort().join(), e.participants.map((p) => p.professional.id).join()]);
    expect(events).to.deep.equal([
      ['arose', 'a1,a2', 'p1,p2'], ['arose', 'a3,a4', 'p1,p3'], ['joined', 'a3,a4', 'p9'], ['ended', 'a1,a2', ''], ['joined', 'a3,a4', 'p2'],
    ]);
    expect(count("SELECT COUNT(*) AS n FROM matches WHERE status = 'active'")).to.equal(1);
    const b = await soapCall(t.url, 'regio-b', 'HaalMatches', { region: 'regio-b', after: 0, max: 20, waitSeconds: 0 });
    expect(b.events.map((e) => e.kind)).to.deep.equal(['arose', 'joined']);
  });
});
