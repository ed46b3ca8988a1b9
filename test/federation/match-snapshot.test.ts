import { expect } from 'chai';
import { ADMIN_TOKEN, call, setupArea, validBsn, type Caller } from '../helpers/region.js';
import { eventually, registerSignal, withRetention } from '../helpers/federation.js';

const as = (who: Caller) => ({ token: who.token, professionalId: who.professionalId });
/** The HaalMatchstand requests among the bodies a gateway passed on. */
const snapshotRequests = (bodies: string[]) => bodies.filter((x) => x.includes('HaalMatchstandVerzoek'));

describe('reading the match snapshot of a reconcile', () => {
  // A national index of protocol 1.2 holds the first page's point in time for the later pages; one of
  // 1.1 (its Status rewritten on the way) reads each page at the current state and the region checks the heads.
  for (const version of ['1.2', '1.1']) {
    it(`takes the snapshot at one head when a match gains and loses participants and ends between its pages, from a national index of protocol ${version}: the match is not started again, nobody is told twice`, async () => {
      // Every HaalMatchstand answer is held 1.2 s on its way back; four matches a page (below).
      const { ra1, rb, gateway, headOfA, pastRetention, again, close } = await withRetention(1200);
      if (version === '1.1') gateway.rewrite = (answer, request) => (request.includes('StatusVerzoek') ? answer.replace(/<vir:protocolversie>[^<]*</, '<vir:protocolversie>1.1<') : answer);
      try {
        const a = await setupArea(ra1.baseUrl);
        const b = await setupArea(rb.baseUrl);
        const youths = Array.from({ length: 7 }, (_, i) => validBsn(i));
        const first: string[] = [];
        for (const bsn of youths) {
          await registerSignal(ra1, a.a, bsn);
          first.push((await registerSignal(rb, b.b, bsn)).id);
        }
        await eventually(async () => (await call(ra1.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.length === 7 || undefined, 15_000, 'seven matches');
        await ra1.region.close();
        const h = headOfA();
        await registerSignal(rb, b.c, youths[6]);
        await eventually(() => headOfA() > h || undefined, 5000, 'an event region A misses');
        pastRetention();
        const ra2 = await again({ reconcilePage: { signals: 5000, matches: 4 } });
        try {
          const told = () => ra2.region.ctx.db.prepare("SELECT kind, payload FROM notices WHERE recipient_kind = 'professional' ORDER BY rowid").all() as { kind: string; payload: string }[];
          const toldBefore = told().length;
          await eventually(() => snapshotRequests(gateway.bodies).length > 0 || undefined, 10_000, 'the first page of the snapshot');
          // While the first page's answer is on its way: youth 0's match gains a participant, loses both of region B's, and ends.
          const joined = await registerSignal(rb, b.c, youths[0]);
          await call(rb.baseUrl, 'POST', `/api/v1/signals/${first[0]}/removal`, { ...as(b.b), body: { reason: 'risk-ended' } });
          await call(rb.baseUrl, 'POST', `/api/v1/signals/${joined.id}/removal`, { ...as(b.c), body: { reason: 'risk-ended' } });
          const cursorOfA = async () => (await call(ra2.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.cursor as number;
          await eventually(async () => (await cursorOfA()) === headOfA() || undefined, 20_000, 'region A up to the national head');
          await new Promise((resolve) => setTimeout(resolve, 500));
          const statuses = ((await call(ra2.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string }[]).map((m) => m.status).sort();
          expect(statuses).to.deep.equal([...Array(6).fill('active'), 'ended']);
          // No match started again; at most the end of youth 0's match, once (the joins and leaves in between need not be told).
          const since = told().slice(toldBefore);
          expect(since.filter((n) => n.kind === 'match')).to.deep.equal([]);
          expect(since.filter((n) => n.kind === 'participant-left' && JSON.parse(n.payload).matchEnded)).to.have.length(1);
          const pages = snapshotRequests(gateway.bodies);
          if (version === '1.2') {
            // One read of two pages: the first asks for one point in time, the second reads the held snapshot.
            expect(pages).to.have.length(2);
            expect(pages[0]).to.include('<vir:vasteStand>true<');
            expect(pages[1]).to.match(/<vir:stand>[^<]+</);
          } else {
            // The heads differed: read again, and nothing a 1.1 national index would refuse was sent.
            expect(pages.length).to.be.greaterThan(2);
            expect(pages.join('')).not.to.match(/vasteStand|<vir:stand>/);
          }
        } finally {
          await ra2.close();
        }
      } finally {
        await close();
      }
    });
  }

  it('reads the snapshot again from its first page when the national index let go of it between pages', async () => {
    // Every HaalMatchstand answer is held 800 ms on its way back; two matches a page (below).
    const { nat, ra1, rb, gateway, headOfA, pastRetention, again, close } = await withRetention(800);
    try {
      const a = await setupArea(ra1.baseUrl);
      const b = await setupArea(rb.baseUrl);
      const youths = Array.from({ length: 5 }, (_, i) => validBsn(i));
      for (const bsn of youths) {
        await registerSignal(ra1, a.a, bsn);
        await registerSignal(rb, b.b, bsn);
      }
      await eventually(async () => (await call(ra1.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body.length === 5 || undefined, 15_000, 'five matches');
      await ra1.region.close();
      // Region A misses an event and stays away past the feed's retention: it resynchronises when it is back.
      const h = headOfA();
      await registerSignal(rb, b.c, youths[4]);
      await eventually(() => headOfA() > h || undefined, 5000, 'an event region A misses');
      pastRetention();
      const ra2 = await again({ reconcilePage: { signals: 5000, matches: 2 } });
      try {
        // While the first page's answer is on its way, the national index lets go of its held snapshots (as after a minute idle).
        await eventually(() => nat.national.index.heldSnapshots() > 0 || undefined, 10_000, 'the first page of the snapshot, held');
        nat.national.index.close();
        const cursorOfA = async () => (await call(ra2.baseUrl, 'GET', '/api/v1/admin/connector', { token: ADMIN_TOKEN })).body.cursor as number;
        await eventually(async () => (await cursorOfA()) === headOfA() || undefined, 20_000, 'region A up to the national head');
        const active = ((await call(ra2.baseUrl, 'GET', '/api/v1/matches', as(a.a))).body as { status: string }[]).filter((m) => m.status === 'active');
        expect(active).to.have.length(5);
        // The second page was refused (STAND_ONBEKEND) and the snapshot read again from a new first page, three pages of two,
        // within the same reconcile: its digest was sent once.
        expect(gateway.bodies.filter((x) => x.includes('ReconcilieerVerzoek'))).to.have.length(1);
        const pages = snapshotRequests(gateway.bodies);
        expect(pages.filter((x) => x.includes('<vir:vasteStand>true<'))).to.have.length(2);
        expect(pages).to.have.length(5);
        const audit = ra2.region.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'connector.reconcile' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
        expect(JSON.parse(audit)).to.include({ matches: 5, staleSnapshot: false });
      } finally {
        await ra2.close();
      }
    } finally {
      await close();
    }
  });
});
