import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRequest, decodeResponse, encodeFault, encodeRequest, encodeResponse } from '../../national/protocol/codec.js';
import { XSD_FILE } from '../../national/protocol/documents.js';
import { NS, SyncFault, type SignalEvent } from '../../national/protocol/types.js';
import { rawSoap, registered, soapCall, startTestNational, type TestNational } from '../helpers/national.js';
import { TestClock } from '../helpers/region.js';

/** The body element of a SOAP message as a document of its own, for xmllint --schema. */
function bodyDocument(xml: string): string {
  const m = /<soap:Body>([\s\S]*)<\/soap:Body>/.exec(xml)!;
  return m[1].replace(/^<vir:(\w+)/, `<vir:$1 xmlns:vir="${NS}"`);
}

function xmllint(xml: string): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vir-xsd-'));
  const file = join(dir, 'msg.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD_FILE, file], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stderr };
}

const pro = { id: 'p1', name: 'A & B <test>', function: 'Jeugdarts', email: 'a@example.org', phone: '06-1', institution: 'GGD' };
const matchEvent = { seq: 7, kind: 'arose' as const, matchId: 'm-1', family: false, ownSignalIds: ['s1'], participants: [{ key: 'regio-a:s1', region: 'regio-a', signalId: 's1', professional: pro, registeredAt: '2026-03-02T09:00:00.000Z' }] };

describe('the sync protocol codec', () => {
  const samples: [string, string][] = [
    ['LeverMeldingen request', encodeRequest('LeverMeldingen', { region: 'regio-a', events: [registered('s1', '111222333', 'p1'), { eventId: 'e2', kind: 'removed', signalId: 's1', occurredAt: '2026-03-03T10:00:00.000Z', reason: 'risk-ended' }] })],
    ['LeverMeldingen response', encodeResponse('LeverMeldingen', { acks: [{ eventId: 'e1', result: 'accepted' }, { eventId: 'e2', result: 'rejected', code: 'ONBEKENDE_MELDING', message: 'x' }] }, 'urn:uuid:1')],
    ['HaalMatches request', encodeRequest('HaalMatches', { region: 'regio-a', after: 0, max: 100, waitSeconds: 20 })],
    ['HaalMatches response', encodeResponse('HaalMatches', { head: 7, resyncNeeded: false, events: [matchEvent] }, 'urn:uuid:1')],
    ['Reconcilieer request', encodeRequest('Reconcilieer', { region: 'regio-a', signals: [{ signalId: 's1', removalDate: '2028-03-02' }] })],
    ['Reconcilieer response', encodeResponse('Reconcilieer', { missing: ['s1'], surplus: ['s9'], head: 3, matches: [matchEvent] }, 'urn:uuid:1')],
    ['paged Reconcilieer request', encodeRequest('Reconcilieer', { region: 'regio-a', after: 's0', upTo: 's5', withMatches: false, signals: [{ signalId: 's1', removalDate: '2028-03-02' }] })],
    ['HaalMatchstand request', encodeRequest('HaalMatchstand', { region: 'regio-a', after: 'm-0', max: 200 })],
    ['HaalMatchstand response', encodeResponse('HaalMatchstand', { head: 3, more: true, matches: [matchEvent] }, 'urn:uuid:1')],
    ['HaalMatchstand request of a first page at one point in time (1.2)', encodeRequest('HaalMatchstand', { region: 'regio-a', pointInTime: true, max: 200 })],
    ['HaalMatchstand request of a held snapshot (1.2)', encodeRequest('HaalMatchstand', { region: 'regio-a', after: 'm-0', snapshotId: 'b7c1a0f2-5d1e-4a57-9a52-0c3f7f1e2d44', max: 200 })],
    ['HaalMatchstand response naming a held snapshot (1.2)', encodeResponse('HaalMatchstand', { head: 3, more: true, snapshotId: 'b7c1a0f2-5d1e-4a57-9a52-0c3f7f1e2d44', matches: [matchEvent] }, 'urn:uuid:1')],
    ['Status request', encodeRequest('Status', { region: 'regio-a' })],
    ['Status response', encodeResponse('Status', { status: 'ok', protocolVersion: '1.2', time: '2026-03-02T09:00:00.000Z' }, 'urn:uuid:1')],
  ];

  for (const [name, xml] of samples) {
    it(`writes a ${name} that xmllint validates against the published XSD`, () => {
      const r = xmllint(bodyDocument(xml));
      expect(r.ok, r.out).to.equal(true);
    });
  }

  it('writes a Fault whose detail validates against the XSD', () => {
    const xml = encodeFault(new SyncFault('Client', 'SCHEMA', 'x'));
    const detail = /<detail>([\s\S]*)<\/detail>/.exec(xml)![1].replace('<vir:fout>', `<vir:fout xmlns:vir="${NS}">`);
    expect(xmllint(detail).ok).to.equal(true);
  });

  it('writes a well-formed message, with U+FFFD in their place, when a text holds characters XML cannot carry', async () => {
    const odd = { ...registered('s1', '111222333', 'p1'), professional: { ...registered('s1', '111222333', 'p1').professional!, name: 'Jan\u0007 de \uD800Vries 😀', function: 'Jeugd\u0000arts' } };
    const xml = encodeRequest('LeverMeldingen', { region: 'regio-a', events: [odd] });
    expect(xmllint(bodyDocument(xml)).ok).to.equal(true);
    const back = (await decodeRequest(xml)).request as { events: { professional: { name: string; function: string } }[] };
    expect(back.events[0].professional).to.include({ name: 'Jan\uFFFD de \uFFFDVries 😀', function: 'Jeugd\uFFFDarts' });
  });

  it('reads back a page of a reconcile and of the match snapshot as it wrote them', async () => {
    const page = { region: 'regio-a', after: 's0', upTo: 's5', withMatches: false, signals: [{ signalId: 's1', removalDate: '2028-03-02' }] };
    expect((await decodeRequest(encodeRequest('Reconcilieer', page))).request).to.deep.equal(page);
    // Protocol 1.0's request (the whole digest, matches in the answer) reads as it did.
    expect((await decodeRequest(encodeRequest('Reconcilieer', { region: 'regio-a', signals: [] }))).request).to.deep.equal({ region: 'regio-a', after: undefined, upTo: undefined, signals: [] });
    expect((await decodeRequest(encodeRequest('HaalMatchstand', { region: 'regio-a', max: 5 }))).request).to.deep.equal({ region: 'regio-a', after: undefined, max: 5 });
    const answer = { head: 3, more: false, matches: [matchEvent] };
    expect(await decodeResponse('HaalMatchstand', encodeResponse('HaalMatchstand', answer, 'urn:uuid:1'))).to.deep.equal(answer);
    // 1.2: a first page at one point in time, a later page of the held snapshot, and the answer naming it.
    for (const request of [{ region: 'regio-a', pointInTime: true, max: 5 }, { region: 'regio-a', after: 'm-1', snapshotId: 'h-1', max: 5 }]) {
      expect((await decodeRequest(encodeRequest('HaalMatchstand', request))).request).to.deep.equal({ after: undefined, ...request });
    }
    const held = { head: 3, more: true, snapshotId: 'h-1', matches: [matchEvent] };
    expect(await decodeResponse('HaalMatchstand', encodeResponse('HaalMatchstand', held, 'urn:uuid:1'))).to.deep.equal(held);
    // xs:boolean also allows 1 and 0, as another implementation may write them.
    const written = encodeRequest('Reconcilieer', page).replace('<vir:matchstand>false<', '<vir:matchstand>0<');
    expect(xmllint(bodyDocument(written)).ok).to.equal(true);
    expect((await decodeRequest(written)).request).to.deep.include({ withMatches: false });
    const more = encodeResponse('HaalMatchstand', answer, 'urn:uuid:1').replace('<vir:meer>false<', '<vir:meer>1<');
    expect(await decodeResponse('HaalMatchstand', more)).to.deep.include({ more: true });
  });

  it('reads back what it writes', async () => {
    const events = [registered('s1', '111222333', 'p1')];
    const decoded = await decodeRequest(encodeRequest('LeverMeldingen', { region: 'regio-a', events }));
    expect(decoded.op).to.equal('LeverMeldingen');
    expect(decoded.request).to.deep.equal({ region: 'regio-a', events });
  });

  it('refuses what the XSD refuses: an unknown element, a missing one, a bad enumeration', async () => {
    const good = encodeRequest('HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    const variants = [
      good.replace('<vir:maximum>10</vir:maximum>', '<vir:maximum>10</vir:maximum><vir:extra>1</vir:extra>'),
      good.replace('<vir:maximum>10</vir:maximum>', ''),
      good.replace('<vir:maximum>10</vir:maximum>', '<vir:maximum>5000</vir:maximum>'),
      good.replace('<vir:wachttijd>0</vir:wachttijd>', '<vir:wachttijd>soon</vir:wachttijd>'),
    ];
    // Days and times that do not exist, in the form of a date: xs:date and xs:dateTime refuse them, so the codec does.
    const delivery = encodeRequest('LeverMeldingen', { region: 'regio-a', events: [registered('s1', '111222333', 'p1')] });
    variants.push(
      delivery.replace(/<vir:registratietijdstip>[^<]*</, '<vir:registratietijdstip>2026-02-31T09:00:00Z<'),
      delivery.replace(/<vir:registratietijdstip>[^<]*</, '<vir:registratietijdstip>2026-03-02T24:30:00Z<'),
      delivery.replace(/<vir:drieentwintigOp>[^<]*</, '<vir:drieentwintigOp>2035-02-31<'),
    );
    for (const v of variants.slice(-3)) expect(v).not.to.equal(delivery);
    // Elements out of the XSD's order: a page's digest before its bounds, the BSN of an event before its id.
    const paged = encodeRequest('Reconcilieer', { region: 'regio-a', after: 's0', signals: [{ signalId: 's1', removalDate: '2028-03-02' }] });
    const melding = /<vir:melding>[\s\S]*<\/vir:melding>/.exec(paged)![0];
    const bsn = /<vir:bsn>[^<]*<\/vir:bsn>/.exec(delivery)![0];
    variants.push(
      paged.replace(melding, '').replace('<vir:naMeldingId>', `${melding}<vir:naMeldingId>`),
      delivery.replace(bsn, '').replace('<vir:gebeurtenisId>', `${bsn}<vir:gebeurtenisId>`),
    );
    for (const v of variants.slice(-2)) expect(v).not.to.equal(paged).and.not.to.equal(delivery);
    for (const v of variants) {
      expect(xmllint(bodyDocument(v)).ok, v).to.equal(false);
      const err = await decodeRequest(v).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(SyncFault);
      expect((err as SyncFault).code).to.equal('SCHEMA');
    }
  });
});

describe('the reference national index over SOAP', () => {
  let t: TestNational;
  beforeEach(async () => {
    t = await startTestNational();
  });
  afterEach(async () => t.close());

  it('answers status with the protocol version', async () => {
    const r = await soapCall(t.url, 'regio-a', 'Status', {});
    expect(r).to.include({ status: 'ok', protocolVersion: '1.2' });
  });

  it('acknowledges each event on its own: accepted, duplicate, rejected with a code', async () => {
    const good = registered('s1', '111222333', 'p1');
    const bad = registered('s2', '123456789', 'p2');
    const r = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [good, bad, good] });
    expect(r.acks.map((a) => [a.result, a.code])).to.deep.equal([['accepted', undefined], ['rejected', 'ONGELDIG_BSN'], ['duplicate', undefined]]);
    const again = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [good] });
    expect(again.acks[0].result).to.equal('duplicate');
    // The refused one sent again (its answer lost on the way): refused again, not "dubbel", which a region takes as delivered.
    const refusedAgain = await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [bad] });
    expect(refusedAgain.acks.map((a) => [a.result, a.code])).to.deep.equal([['rejected', 'AL_GEWEIGERD']]);
  });

  it('reconciles a page of signal ids against that range only, refuses a signal outside its page, and gives the matches a page at a time', async () => {
    const bsns = ['111222333', '232262536', '999999990'];
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: ['a1', 'a2', 'a3'].map((id, i) => registered(id, bsns[i], 'pa')) });
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: ['b1', 'b2', 'b3'].map((id, i) => registered(id, bsns[i], 'pb')) });
    // An empty digest, whole: every signal of the region is surplus.
    expect((await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', signals: [] })).surplus).to.deep.equal(['a1', 'a2', 'a3']);
    const date = t.national.ctx.db.prepare("SELECT removal_date FROM signals WHERE signal_id = 'a2'").pluck().get() as string;
    // Page (a1, a2]: a2 is known with its date; a1 and a3 lie outside the page and are neither missing nor surplus.
    const page = await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', after: 'a1', upTo: 'a2', withMatches: false, signals: [{ signalId: 'a2', removalDate: date }] });
    expect(page).to.deep.equal({ missing: [], surplus: [], head: 3, matches: [] });
    const openTop = await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', after: 'a2', withMatches: false, signals: [{ signalId: 'a9', removalDate: date }] });
    expect(openTop).to.deep.include({ missing: ['a9'], surplus: ['a3'] });
    const outside = await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', after: 'a1', upTo: 'a2', signals: [{ signalId: 'a3', removalDate: date }] }).then(() => null, (e: unknown) => e);
    expect(outside).to.include({ code: 'BUITEN_PAGINA' });

    // Three matches, two a page: each page read at the region's head; the last says no more follow.
    const first = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', max: 2 });
    expect(first).to.include({ head: 3, more: true });
    expect(first.matches).to.have.length(2);
    const second = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', after: first.matches[1].matchId, max: 2 });
    expect(second).to.include({ head: 3, more: false });
    const all = [...first.matches, ...second.matches];
    expect(all.map((m) => m.ownSignalIds[0]).sort()).to.deep.equal(['a1', 'a2', 'a3']);
    expect(all.every((m) => m.kind === 'arose' && m.seq === 0 && m.participants.length === 2)).to.equal(true);
    // The same matches as the whole snapshot of protocol 1.0.
    const whole = await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', signals: [] });
    expect(whole.matches).to.deep.equal(all);
  });

  it('reads every page of a held match snapshot from the point in time of its first page, however the matches change meanwhile', async () => {
    const bsns = ['111222333', '232262536', '999999990', '123456782'];
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: ['a1', 'a2', 'a3', 'a4'].map((id, i) => registered(id, bsns[i], 'pa')) });
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: ['b1', 'b2', 'b3'].map((id, i) => registered(id, bsns[i], 'pb')) });
    const whole = (await soapCall(t.url, 'regio-a', 'Reconcilieer', { region: 'regio-a', signals: [] })).matches;
    expect(whole).to.have.length(3);
    const first = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', pointInTime: true, max: 1 });
    expect(first).to.include({ head: 3, more: true });
    expect(first.snapshotId).to.be.a('string');
    // Between the pages: a fourth match arises, and region B's signal leaves the second match, ending it.
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b4', bsns[3], 'pb')] });
    const second = whole[1].participants.find((p) => p.region === 'regio-b')!.signalId;
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [{ eventId: 'gone', kind: 'removed', signalId: second, occurredAt: new Date().toISOString(), reason: 'risk-ended' }] });
    const now = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', max: 10 });
    expect(now.head).to.equal(5);
    expect(now.matches).to.have.length(3);
    // The held snapshot still reads as it was: the same head, the three matches of then, the second one with both participants.
    const pages = [first];
    while (pages.at(-1)!.more) {
      pages.push(await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', after: pages.at(-1)!.matches.at(-1)!.matchId, snapshotId: first.snapshotId, max: 1 }));
    }
    expect(pages.map((p) => p.head)).to.deep.equal([3, 3, 3]);
    expect(pages.flatMap((p) => p.matches)).to.deep.equal(whole);
    // Read to its end, it is let go; another region cannot read it; an unknown one is refused by name.
    const again = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', after: whole[0].matchId, snapshotId: first.snapshotId, max: 1 }).then(() => null, (e: unknown) => e);
    expect(again).to.include({ code: 'STAND_ONBEKEND' });
    const held = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', pointInTime: true, max: 1 });
    const other = await soapCall(t.url, 'regio-b', 'HaalMatchstand', { region: 'regio-b', after: 'm', snapshotId: held.snapshotId, max: 1 }).then(() => null, (e: unknown) => e);
    expect(other).to.include({ code: 'STAND_ONBEKEND' });
    // A snapshot that fits one page holds nothing: its answer names none.
    const small = await soapCall(t.url, 'regio-a', 'HaalMatchstand', { region: 'regio-a', pointInTime: true, max: 10 });
    expect(small).to.include({ more: false });
    expect(small.snapshotId).to.equal(undefined);
  });

  it('lets go of a held match snapshot when its region opens another, after its idle time and at its age limit, and holds no more than its limit', async () => {
    const n = await startTestNational({ matchSnapshots: { idleSeconds: 1, maxAgeSeconds: 2, max: 1 } });
    const refused = (r: Promise<unknown>) => r.then(() => null, (e: unknown) => (e as SyncFault).code);
    try {
      const bsns = ['111222333', '232262536'];
      for (const region of ['regio-a', 'regio-b']) {
        await soapCall(n.url, region, 'LeverMeldingen', { region, events: bsns.map((bsn, i) => registered(`${region}-${i}`, bsn, `p-${region}`)) });
      }
      const firstPage = (region: string) => soapCall(n.url, region, 'HaalMatchstand', { region, pointInTime: true, max: 1 });
      // The first page again, from the held snapshot: one of two matches, more follow, so it stays held.
      const nextPage = (region: string, snapshotId: string) => soapCall(n.url, region, 'HaalMatchstand', { region, snapshotId, max: 1 });
      const a1 = await firstPage('regio-a');
      expect(n.national.index.heldSnapshots()).to.equal(1);
      // The limit is reached: region B's first page is read at the current state, and names no snapshot.
      const b = await firstPage('regio-b');
      expect(b).to.include({ more: true });
      expect(b.snapshotId).to.equal(undefined);
      expect(b.matches).to.have.length(1);
      // Region A asks again (a reconcile tried again): its older snapshot is let go, the new one held in its place.
      const a2 = await firstPage('regio-a');
      expect(a2.snapshotId).to.be.a('string').and.not.equal(a1.snapshotId);
      expect(await refused(nextPage('regio-a', a1.snapshotId!))).to.equal('STAND_ONBEKEND');
      expect(n.national.index.heldSnapshots()).to.equal(1);
      // A second without a page: let go.
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(n.national.index.heldSnapshots()).to.equal(0);
      expect(await refused(nextPage('regio-a', a2.snapshotId!))).to.equal('STAND_ONBEKEND');
      // Read every half second, a snapshot is still let go two seconds after its first page.
      const a3 = await firstPage('regio-a');
      const started = Date.now();
      let code: string | null = null;
      while (code === null && Date.now() - started < 4000) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        code = await refused(nextPage('regio-a', a3.snapshotId!));
      }
      expect(code).to.equal('STAND_ONBEKEND');
      expect(Date.now() - started).to.be.within(1900, 3200);
    } finally {
      await n.close();
    }
  });

  it('matches across regions and tells each region through its own gapless feed', async () => {
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'pa')] });
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b1', '111222333', 'pb')] });
    const fa = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    expect(fa.head).to.equal(1);
    expect(fa.events[0]).to.deep.include({ seq: 1, kind: 'arose', ownSignalIds: ['a1'] });
    expect(fa.events[0].participants.map((p) => p.key)).to.deep.equal(['regio-a:a1', 'regio-b:b1']);
    const fb = await soapCall(t.url, 'regio-b', 'HaalMatches', { region: 'regio-b', after: 0, max: 10, waitSeconds: 0 });
    expect(fb.events[0]).to.deep.include({ seq: 1, kind: 'arose', ownSignalIds: ['b1'] });
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [{ eventId: 'rm-b1', kind: 'removed', signalId: 'b1', occurredAt: '2026-03-03T09:00:00.000Z', reason: 'unjustified' }] });
    const later = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 1, max: 10, waitSeconds: 0 });
    expect(later.events.map((e) => [e.seq, e.kind])).to.deep.equal([[2, 'ended']]);
  });

  it('gives the same batch delivered twice no duplicate effect', async () => {
    const batch = { region: 'regio-a', events: [registered('a1', '111222333', 'pa'), registered('a2', '111222333', 'pa2')] };
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', batch);
    const again = await soapCall(t.url, 'regio-a', 'LeverMeldingen', batch);
    expect(again.acks.map((a) => a.result)).to.deep.equal(['duplicate', 'duplicate']);
    const db = t.national.ctx.db;
    expect((db.prepare('SELECT COUNT(*) AS n FROM signals').get() as { n: number }).n).to.equal(2);
    const feed = await soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    expect(feed.events.map((e) => e.kind)).to.deep.equal(['arose']);
  });

  it('applies the same removal and archive rules as a region, with the same code (7.1.4.5, 7.1.4.6)', async () => {
    const clock = new TestClock();
    const n = await startTestNational({}, clock.now);
    try {
      await soapCall(n.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'pa', { removalDate: '2026-04-01' }), registered('a2', '232262536', 'pa', { turns23On: '2026-05-01', removalDate: '2026-05-01' })] });
      await soapCall(n.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b1', '111222333', 'pb')] });
      clock.set('2026-04-01T08:00:00+02:00');
      expect(n.national.index.runRemoval()).to.deep.equal({ removed: 1, destroyed: 0 });
      const row = (id: string) => n.national.ctx.db.prepare('SELECT status, removal_reason, archive_until FROM signals WHERE signal_id = ?').get(id);
      expect(row('a1')).to.deep.equal({ status: 'archived', removal_reason: 'expired', archive_until: '2031-04-01' });
      const fb = await soapCall(n.url, 'regio-b', 'HaalMatches', { region: 'regio-b', after: 1, max: 10, waitSeconds: 0 });
      expect(fb.events.map((e) => e.kind)).to.deep.equal(['ended']);
      clock.set('2026-05-01T08:00:00+02:00');
      n.national.index.runRemoval();
      expect(row('a2')).to.deep.equal({ status: 'removed', removal_reason: 'age-23', archive_until: null });
      clock.set('2031-04-01T08:00:00+02:00');
      expect(n.national.index.runRemoval().destroyed).to.equal(1);
      expect(row('a1')).to.deep.include({ status: 'removed' });
    } finally {
      await n.close();
    }
  });

  it('runs an archive\'s five years from the day the region removed the signal, not from the day its event arrived (7.1.4.6)', async () => {
    const clock = new TestClock();
    const n = await startTestNational({}, clock.now);
    try {
      await soapCall(n.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'pa'), registered('a2', '232262536', 'pa', { removalDate: '2026-04-01' })] });
      // The region was cut off from this index for three weeks: both removals arrive on 2026-04-22.
      clock.set('2026-04-22T10:00:00+02:00');
      const removed = (signalId: string, occurredAt: string, reason: 'risk-ended' | 'expired') => ({ eventId: `rm-${signalId}`, kind: 'removed' as const, signalId, occurredAt, reason });
      await soapCall(n.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [removed('a1', '2026-03-31T22:30:00.000Z', 'risk-ended'), removed('a2', '2026-04-02T03:00:00.000Z', 'expired')] });
      const until = (id: string) => n.national.ctx.db.prepare('SELECT archive_until FROM signals WHERE signal_id = ?').pluck().get(id);
      // 22:30 UTC on 31 March is 1 April in the Netherlands; an expired signal's archive runs from its removal date.
      expect(until('a1')).to.equal('2031-04-01');
      expect(until('a2')).to.equal('2031-04-01');
      // A removal time past this index's own day counts from today.
      await soapCall(n.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a3', '111222333', 'pa'), removed('a3', '2026-05-30T10:00:00.000Z', 'risk-ended')] });
      expect(until('a3')).to.equal('2031-04-22');
    } finally {
      await n.close();
    }
  });

  it('keeps each feed answer under the 4 MiB a reader accepts, so that a region reads on past events of very large matches', async () => {
    // 1,000 professionals of one region on one youth, then each signal removed: a 'left' event lists the region's own signals still in the match.
    const ids = Array.from({ length: 1000 }, (_, i) => `big-${String(i).padStart(4, '0')}`);
    const deliver = async (events: SignalEvent[]) => {
      const acks = (await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events })).acks;
      expect(acks.every((a) => a.result === 'accepted')).to.equal(true);
    };
    await deliver(ids.map((id, i) => registered(id, '111222333', `p${i}`)));
    await deliver(ids.map((id) => ({ eventId: `rm-${id}`, kind: 'removed', signalId: id, occurredAt: '2026-03-03T09:00:00.000Z', reason: 'unjustified' })));
    let fewer = false;
    let after = 0;
    let head = -1;
    for (let reads = 0; after !== head && reads < 20; reads++) {
      const raw = await rawSoap(t.url, 'regio-a', encodeRequest('HaalMatches', { region: 'regio-a', after, max: 500, waitSeconds: 0 }));
      expect(raw.status).to.equal(200);
      expect(Buffer.byteLength(raw.text)).to.be.at.most(4 * 1024 * 1024);
      const answer = await decodeResponse('HaalMatches', raw.text);
      expect(answer.events.length).to.be.greaterThan(0);
      expect(answer.events[0].seq).to.equal(after + 1);
      after = answer.events.at(-1)!.seq;
      head = answer.head;
      if (after < head && answer.events.length < 500) fewer = true;
    }
    expect(after).to.equal(head);
    expect(head).to.be.greaterThan(1900);
    expect(fewer, 'an answer was cut short of the 500 asked for').to.equal(true);
  });

  it('answers a long poll as soon as a match event arrives', async () => {
    await soapCall(t.url, 'regio-a', 'LeverMeldingen', { region: 'regio-a', events: [registered('a1', '111222333', 'pa')] });
    const poll = soapCall(t.url, 'regio-a', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 20 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await soapCall(t.url, 'regio-b', 'LeverMeldingen', { region: 'regio-b', events: [registered('b1', '111222333', 'pb')] });
    const r = await poll;
    expect(r.events).to.have.length(1);
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it('refuses a region reading another region\'s feed', async () => {
    const err = await soapCall(t.url, 'regio-b', 'HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 }).then(() => null, (e: unknown) => e);
    expect((err as SyncFault).code).to.equal('ANDERE_REGIO');
  });

  it('answers bad input with a SOAP Fault naming the problem, never a crash', async () => {
    const cases: [string, string, number][] = [
      ['<not xml', 'ONGELDIGE_XML', 400],
      ['<a xmlns="urn:other"/>', 'GEEN_SOAP', 400],
      [encodeRequest('Status', {}).replace(/urn:nl:verwijsindex:sync:1"/, 'urn:other"'), 'ONBEKENDE_NAMESPACE', 400],
      [encodeRequest('Status', {}).replaceAll('StatusVerzoek', 'Verwijder'), 'ONBEKENDE_OPERATIE', 400],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'DOCTYPE_GEWEIGERD', 400],
      ['<x>' + 'a'.repeat(5 * 1024 * 1024) + '</x>', 'TE_GROOT', 413],
      // Thousands of namespace declarations, each element a copy of the scope: refused at the 65th, not parsed for a minute.
      [
        `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ${Array.from({ length: 16_000 }, (_, i) => `xmlns:p${i}="u"`).join(' ')}>` +
          `<soap:Header>${'<a xmlns:q="x"/>'.repeat(16_000)}</soap:Header><soap:Body/></soap:Envelope>`,
        'ONGELDIGE_XML',
        400,
      ],
    ];
    const fetchRequest = encodeRequest('HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    // Text where the XSD allows elements only, and a second MessageID: refused as xmllint refuses them.
    cases.push([fetchRequest.replace('<vir:regio>', 'junk<vir:regio>'), 'SCHEMA', 400]);
    cases.push([fetchRequest.replace(/(<wsa:MessageID>[^<]*<\/wsa:MessageID>)/, '$1$1'), 'SCHEMA', 400]);
    for (const [body, code, status] of cases) {
      const r = await rawSoap(t.url, 'regio-a', body);
      expect(r.status, code).to.equal(status);
      expect(r.text).to.contain('<soap:Fault>');
      expect(r.text).to.contain(`<vir:code>${code}</vir:code>`);
      expect(r.text).not.to.match(/at .*\.ts:\d+/);
    }
    expect((await soapCall(t.url, 'regio-a', 'Status', {})).status).to.equal('ok');
  });

  it('refuses a SOAPAction header that names another action than wsa:Action, and takes a matching or empty one', async () => {
    const post = (soapAction: string) => fetch(t.url, { method: 'POST', headers: { 'content-type': 'text/xml', 'x-region-id': 'regio-a', soapaction: soapAction }, body: encodeRequest('Status', { region: 'regio-a' }) });
    const wrong = await post('"urn:nl:verwijsindex:sync:1:LeverMeldingen"');
    expect(wrong.status).to.equal(400);
    expect(await wrong.text()).to.contain('<vir:code>ACTION_ONJUIST</vir:code>');
    for (const fine of ['"urn:nl:verwijsindex:sync:1:Status"', '""']) expect((await post(fine)).status, fine).to.equal(200);
  });

  it('names the request it refuses in wsa:RelatesTo once its MessageID could be read', async () => {
    const request = encodeRequest('HaalMatches', { region: 'regio-a', after: 0, max: 10, waitSeconds: 0 });
    const messageId = /<wsa:MessageID>([^<]*)<\/wsa:MessageID>/.exec(request)![1];
    const r = await rawSoap(t.url, 'regio-a', request.replace('<vir:maximum>10</vir:maximum>', '<vir:maximum>tien</vir:maximum>'));
    expect(r.text).to.contain('<vir:code>SCHEMA</vir:code>');
    expect(r.text).to.contain(`<wsa:RelatesTo>${messageId}</wsa:RelatesTo>`);
  });

  it('serves the WSDL and the XSD', async () => {
    const wsdl = await (await fetch(`${t.url}?wsdl`)).text();
    expect(wsdl).to.contain('wsdl:definitions');
    expect(wsdl).to.contain('LeverMeldingenVerzoek');
    expect(wsdl).to.contain(t.url);
    const xsd = await (await fetch(`${t.url}?xsd`)).text();
    expect(xsd).to.contain('xs:schema');
  });

  it('writes a Host header into the WSDL as text, so a forged one cannot add markup to it', async () => {
    const { request } = await import('node:http');
    const forged = 'evil.example"/><x a="$&';
    const wsdl = await new Promise<string>((resolve, reject) => {
      const u = new URL(`${t.url}?wsdl`);
      request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { host: forged } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      }).on('error', reject).end();
    });
    expect(wsdl).to.contain('location="http://evil.example&quot;/&gt;&lt;x a=&quot;$&amp;/sync"');
    const dir = mkdtempSync(join(tmpdir(), 'vir-wsdl-'));
    writeFileSync(join(dir, 'service.wsdl'), wsdl);
    const lint = spawnSync('xmllint', ['--noout', join(dir, 'service.wsdl')], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).to.equal(0);
    expect(wsdl).not.to.contain('<x a=');
  });
});
