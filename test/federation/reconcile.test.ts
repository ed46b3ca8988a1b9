import { expect } from 'chai';
import { ADMIN_TOKEN, BSN, call, setupArea, startTestRegion, TestClock, validBsn, type Caller } from '../helpers/region.js';
import { startTestNational } from '../helpers/national.js';
import { eventually, nationalSettings, registerSignal, withRetention } from '../helpers/federation.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });

describe('reconciling a region with the national index', () => {
  it('keeps at the national index a signal registered while a reconcile was on its way (it is not surplus)', async () => {
    const nat = await startTestNational();
    const gateway = await startFaultProxy(nat.url, { request: { ReconcilieerVerzoek: 1500 } });
    const t = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url) });
    const atNational = (id: string) => nat.national.ctx.db.prepare('SELECT status FROM signals WHERE signal_id = ?').pluck().get(id);
    try {
      const area = await setupArea(t.baseUrl);
      const reconcile = call(t.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const s = await registerSignal(t, area.a, BSN[0]);
      await eventually(() => atNational(s.id), 5000, 'the new signal at the national index');
      expect((await reconcile).status).to.equal(200);
      await eventually(async () => (await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.backlog === 0, 5000, 'delivery');
      expect(atNational(s.id)).to.equal('active');
      expect(t.region.ctx.db.prepare('SELECT kind FROM outbox WHERE signal_id = ? ORDER BY seq').pluck().all(s.id)).to.deep.equal(['registered']);
    } finally {
      await t.close();
      await gateway.close();
      await nat.close();
    }
  });

  it('does not go back to an older snapshot when a reconcile answers after the feed moved on: no match comes back, nobody is told twice', async () => {
    const nat = await startTestNational();
    const gateway = await startFaultProxy(nat.url, { answer: { HaalMatchstandVerzoek: 1500 } });
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
    try {
      const a = await setupArea(ra.baseUrl);
      const b = await setupArea(rb.baseUrl);
      await registerSignal(ra, a.a, BSN[0]);
      const sb = await registerSignal(rb, b.b, BSN[0]);
      const matchesOfA = async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string }[];
      await eventually(async () => (await matchesOfA()).length === 1, 10_000, 'the cross-region match');
      const cursor = () => Number(ra.region.ctx.db.prepare("SELECT value FROM sync_state WHERE key = 'cursor'").pluck().get());
      const before = cursor();
      const reconcile = call(ra.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await call(rb.baseUrl, 'POST', `/api/v1/signals/${sb.id}/removal`, { ...as(b.b), body: { reason: 'unjustified' } });
      await eventually(() => cursor() > before, 5000, 'the match end applied from the feed');
      expect((await reconcile).status).to.equal(200);
      expect(cursor()).to.be.greaterThan(before);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await matchesOfA()).map((m) => m.status)).to.deep.equal(['ended']);
      const told = ra.region.ctx.db.prepare("SELECT kind, COUNT(*) AS n FROM notices WHERE recipient_kind = 'professional' GROUP BY kind ORDER BY kind").all();
      expect(told).to.deep.equal([{ kind: 'match', n: 1 }, { kind: 'participant-left', n: 1 }]);
    } finally {
      await ra.close();
      await rb.close();
      await gateway.close();
      await nat.close();
    }
  });

  it('reconciles on demand: signals the national index lacks are sent again, an extended one with its extension', async () => {
    const nat = await startTestNational();
    const t = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url) });
    try {
      const area = await setupArea(t.baseUrl);
      const s = await registerSignal(t, area.a, BSN[0]);
      const extendedOne = await registerSignal(t, area.a, BSN[1]);
      await registerSignal(t, area.a, BSN[2]);
      // Extended 100 days later to the legal maximum from then: past two years from its registration.
      t.clock.advanceDays(100);
      const extended = await call(t.baseUrl, 'POST', `/api/v1/signals/${extendedOne.id}/extension`, { ...as(area.a), body: {} });
      expect(extended.body.removalDate > '2028-03-02', JSON.stringify(extended.body)).to.equal(true);
      const count = () => (nat.national.ctx.db.prepare("SELECT COUNT(*) AS n FROM signals WHERE region_id = 'regio-a' AND status = 'active'").get() as { n: number }).n;
      const removalDateAtNational = (id: string) => nat.national.ctx.db.prepare('SELECT removal_date FROM signals WHERE signal_id = ?').pluck().get(id);
      await eventually(() => (count() === 3 && removalDateAtNational(extendedOne.id) === extended.body.removalDate) || undefined, 10_000, 'delivery');
      nat.national.ctx.db.prepare('DELETE FROM signals WHERE signal_id IN (?, ?)').run(s.id, extendedOne.id);
      const r = await call(t.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
      expect(r.body).to.deep.include({ missing: 2, surplus: 0 });
      await eventually(() => count() === 3 || undefined, 10_000, 'the repair');
      await eventually(() => removalDateAtNational(extendedOne.id) === extended.body.removalDate || undefined, 10_000, 'the extension');
      expect((await call(t.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.deadLetters).to.equal(0);
    } finally {
      await t.close();
      await nat.close();
    }
  });

  it('reconciles a region in pages of signals and of matches: each page repairs its own range, and the match snapshot is whole', async () => {
    const nat = await startTestNational();
    // Three signals per Reconcilieer message, two matches per HaalMatchstand message.
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(nat.url, { reconcilePage: { signals: 3, matches: 2 } }) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
    const ndb = nat.national.ctx.db;
    const activeAtNational = () => ndb.prepare("SELECT signal_id FROM signals WHERE region_id = 'regio-a' AND status = 'active' ORDER BY signal_id").pluck().all() as string[];
    try {
      const a = await setupArea(ra.baseUrl);
      const b = await setupArea(rb.baseUrl);
      const ids: string[] = [];
      const youths = Array.from({ length: 7 }, (_, i) => validBsn(i));
      for (const bsn of youths) ids.push((await registerSignal(ra, a.a, bsn)).id);
      ids.sort();
      for (const bsn of youths.slice(0, 3)) await registerSignal(rb, b.b, bsn);
      const matchesOfA = async () => ((await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { id: string; status: string }[]);
      await eventually(async () => (await matchesOfA()).length === 3 || undefined, 10_000, 'three cross-region matches');
      await eventually(() => activeAtNational().length === 7 || undefined, 10_000, 'delivery');
      const matchesBefore = (await matchesOfA()).map((m) => m.id).sort();
      const told = () => ra.region.ctx.db.prepare("SELECT recipient_kind, COUNT(*) AS n FROM notices WHERE kind = 'match' GROUP BY recipient_kind ORDER BY recipient_kind").all();
      // Each match told to the professional and to the municipality's checker, once.
      expect(told()).to.deep.equal([{ recipient_kind: 'checker', n: 3 }, { recipient_kind: 'professional', n: 3 }]);

      // The national index loses the signals of youths 3 and 6 (pages 2 and 3 of the digest: ids 3-5 and 6), and holds one
      // the region never had, with an id inside page 2.
      const unmatched = (ra.region.ctx.db.prepare('SELECT id FROM signals WHERE match_id IS NULL ORDER BY id').pluck().all() as string[]);
      expect(unmatched).to.deep.equal(ids.slice(3));
      ndb.prepare('DELETE FROM signals WHERE signal_id IN (?, ?)').run(ids[3], ids[6]);
      const stranger = `${ids[4]}0`;
      ndb.exec(`CREATE TEMP TABLE copied AS SELECT * FROM signals WHERE signal_id = '${ids[5]}'; UPDATE copied SET signal_id = '${stranger}'; INSERT INTO signals SELECT * FROM copied;`);

      const r = await call(ra.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal({ missing: 2, surplus: 1, matches: 3, staleSnapshot: false, pages: 3 });
      await eventually(() => JSON.stringify(activeAtNational()) === JSON.stringify(ids) || undefined, 10_000, 'the repair at the national index');
      expect((await matchesOfA()).filter((m) => m.status === 'active').map((m) => m.id).sort()).to.deep.equal(matchesBefore);
      // Nobody is told of a match again: the snapshot changed nothing the feed had brought.
      expect(told()).to.deep.equal([{ recipient_kind: 'checker', n: 3 }, { recipient_kind: 'professional', n: 3 }]);
    } finally {
      await ra.close();
      await rb.close();
      await nat.close();
    }
  });

  it('reconciles with a national index of protocol 1.0 as that version expects: the whole digest in one message, the matches in its answer', async () => {
    const nat = await startTestNational();
    const gateway = await startFaultProxy(nat.url);
    // The national index announces 1.0, as one not yet upgraded does.
    gateway.rewrite = (answer, request) => (request.includes('StatusVerzoek') ? answer.replace(/<vir:protocolversie>[^<]*</, '<vir:protocolversie>1.0<') : answer);
    const ra = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...nationalSettings(gateway.url, { reconcilePage: { signals: 2, matches: 1 } }) });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...nationalSettings(nat.url) });
    try {
      const a = await setupArea(ra.baseUrl);
      const b = await setupArea(rb.baseUrl);
      const ids: string[] = [];
      for (const bsn of BSN.slice(0, 3)) ids.push((await registerSignal(ra, a.a, bsn)).id);
      await registerSignal(rb, b.b, BSN[0]);
      await eventually(async () => (await call(ra.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.length === 1 || undefined, 10_000, 'the match');
      nat.national.ctx.db.prepare('DELETE FROM signals WHERE signal_id = ?').run(ids[2]);
      const before = gateway.bodies.length;
      const r = await call(ra.baseUrl, 'POST', '/api/v1/admin/connector/reconcile', { token: ADMIN_TOKEN });
      expect(r.body).to.deep.equal({ missing: 1, surplus: 0, matches: 1, staleSnapshot: false, pages: 1 });
      const sent = gateway.bodies.slice(before).filter((x) => !x.includes('HaalMatchesVerzoek') && !x.includes('LeverMeldingenVerzoek'));
      expect(sent.map((x) => /<vir:(\w+Verzoek)/.exec(x)?.[1])).to.deep.equal(['StatusVerzoek', 'ReconcilieerVerzoek']);
      expect(sent[1]).not.to.match(/naMeldingId|totEnMetMeldingId|matchstand/);
      expect(sent[1].match(/<vir:melding>/g)).to.have.length(3);
    } finally {
      await ra.close();
      await rb.close();
      await gateway.close();
      await nat.close();
    }
  });

  it('resynchronises a region past the feed retention while its matches keep changing: back on the feed while they still change, each match told once', async () => {
    // Every HaalMatchstand answer is held 200 ms on its way back; one match a page (below).
    const { ra1, rb, gateway, headOfA, pastRetention, again, close } = await withRetention(200);
    try {
      const a = await setupArea(ra1.baseUrl);
      const b = await setupArea(rb.baseUrl);
      const youths = Array.from({ length: 30 }, (_, i) => validBsn(i));
      for (const bsn of youths) await registerSignal(ra1, a.a, bsn);
      for (const bsn of youths.slice(0, 3)) await registerSignal(rb, b.b, bsn);
      await eventually(async () => (await call(ra1.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.length === 3 || undefined, 10_000, 'three matches');
      // Region A is away for longer than the feed keeps its events.
      await ra1.region.close();
      await registerSignal(rb, b.b, youths[3]);
      await eventually(() => headOfA() === 4 || undefined, 10_000, 'the fourth match at the national index');
      pastRetention();
      // It comes back while region B makes a match with it every 300 ms: its matches change between every two pages of the snapshot.
      const ra2 = await again({ reconcilePage: { signals: 5000, matches: 1 } });
      let loading = true;
      const load = (async () => {
        for (const bsn of youths.slice(4)) {
          await registerSignal(rb, b.b, bsn);
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        loading = false;
      })();
      try {
        const cursorOfA = async () => (await call(ra2.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.cursor as number;
        // Back on the feed (past the events it missed) while the matches are still changing, not only once they stop.
        await eventually(async () => (await cursorOfA()) > 4 || undefined, 7_000, 'region A back on the feed');
        expect(loading).to.equal(true);
        await load;
        await eventually(async () => (await cursorOfA()) === headOfA() || undefined, 20_000, 'region A up to the national head');
        const active = ((await call(ra2.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string }[]).filter((m) => m.status === 'active');
        expect(active).to.have.length(30);
        const told = ra2.region.ctx.db.prepare("SELECT kind, COUNT(*) AS n FROM notices WHERE recipient_kind = 'professional' GROUP BY kind ORDER BY kind").all();
        expect(told).to.deep.equal([{ kind: 'match', n: 30 }]);
        // The pages were read from one point in time (protocol 1.2): no read of all matches in one answer was needed.
        expect(gateway.bodies.filter((x) => x.includes('<vir:matchstand>true<'))).to.deep.equal([]);
      } finally {
        await load;
        await ra2.close();
      }
    } finally {
      await close();
    }
  });

  it('resynchronises when it fell behind further than the feed retention, and ends matches the national index ended meanwhile, and takes out who left a match meanwhile', async () => {
    const natClock = new TestClock();
    const nat = await startTestNational({ feed: { retentionDays: 30 } }, natClock.now);
    const settings = nationalSettings(nat.url);
    const ra1 = await startTestRegion({ region: { id: 'regio-a', name: 'A' }, ...settings });
    const rb = await startTestRegion({ region: { id: 'regio-b', name: 'B' }, ...settings });
    const a = await setupArea(ra1.baseUrl);
    const b = await setupArea(rb.baseUrl);
    try {
      await registerSignal(ra1, a.a, BSN[0]);
      const sb = await registerSignal(rb, b.b, BSN[0]);
      // A second youth with two professionals of region B in its match.
      await registerSignal(ra1, a.a, BSN[1]);
      await registerSignal(rb, b.b, BSN[1]);
      const leaving = await registerSignal(rb, b.c, BSN[1]);
      const remoteOf = async (t: typeof ra1) => ((await call(t.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string; participants: { own: boolean; professional: { name: string } }[] }[])
        .filter((m) => m.status === 'active').map((m) => m.participants.filter((p) => !p.own).map((p) => p.professional.name).sort());
      await eventually(async () => JSON.stringify(await remoteOf(ra1)) === JSON.stringify([['Bea Beta'], ['Bea Beta', 'Cas Gamma']]) || undefined, 10_000, 'the matches');
      await ra1.region.close();
      await call(rb.baseUrl, 'POST', `/api/v1/signals/${sb.id}/removal`, { ...as(b.b), body: { reason: 'unjustified' } });
      await call(rb.baseUrl, 'POST', `/api/v1/signals/${leaving.id}/removal`, { ...as(b.c), body: { reason: 'risk-ended' } });
      await eventually(() => (nat.national.ctx.db.prepare("SELECT head FROM feed_heads WHERE region_id = 'regio-a'").get() as { head: number }).head === 5 || undefined, 10_000, 'the end and leave events');
      natClock.advanceDays(31);
      nat.national.dailyRun();
      const ra2 = await startTestRegion({ dataDir: ra1.dataDir, region: { id: 'regio-a', name: 'A' }, ...settings });
      try {
        const st = await eventually(async () => {
          const x = (await call(ra2.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body;
          return x.lastReconcileAt ? x : undefined;
        }, 10_000, 'the resync');
        expect(st.cursor).to.equal(5);
        const m = (await call(ra2.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string }[];
        expect(m.map((x) => x.status).sort()).to.deep.equal(['active', 'ended']);
        expect(await remoteOf(ra2)).to.deep.equal([['Bea Beta']]);
      } finally {
        await ra2.close();
      }
    } finally {
      await rb.close();
      await nat.close();
    }
  });
});
