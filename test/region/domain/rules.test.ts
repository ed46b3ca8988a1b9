import { expect } from 'chai';
import { isValidBsn, mayHoldBsn } from '../../../region/domain/bsn.js';
import { addYears, dateInZone, isCalendarDate } from '../../../region/domain/calendar.js';
import { isMatch, linkCount } from '../../../region/domain/matching.js';
import { archiveEnd, goesToArchive } from '../../../region/domain/removal.js';
import { maxRemovalDate } from '../../../region/domain/signal-rules.js';
import { ageOn, turns23On } from '../../../region/domain/youth.js';

describe('the rules of the law as plain functions', () => {
  it('accepts a BSN that passes the elfproef and refuses one that does not, or all zeros', () => {
    expect(isValidBsn('111222333')).to.equal(true);
    expect(isValidBsn('123456782')).to.equal(true);
    expect(isValidBsn('123456789')).to.equal(false);
    expect(isValidBsn('000000000')).to.equal(false);
    expect(isValidBsn('12345678')).to.equal(false);
    expect(isValidBsn('12345678a')).to.equal(false);
  });

  it('finds a number that may be a BSN in a free text, alone or grouped, and not one that fails the elfproef', () => {
    for (const text of ['111222333', 'bsn: 111222333.', 'BSN 111 222 333', '1112.22.333', 'tel 111-222-333 of zo', 'nr.111222333', 'BSN-111222333']) expect(mayHoldBsn(text), text).to.equal(true);
    for (const text of ['', 'Gebeld', '123456789', '1112223330', '0111222333', '30-06-2026 10:00', 'zaak 2026-000123']) expect(mayHoldBsn(text), text).to.equal(false);
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).to.equal(true);
    expect(isCalendarDate('2023-02-29')).to.equal(false);
    expect(isCalendarDate('2023-13-01')).to.equal(false);
    expect(isCalendarDate('20230101')).to.equal(false);
  });

  it('takes the date of a moment in Amsterdam, not in UTC', () => {
    expect(dateInZone(new Date('2026-06-30T22:30:00Z'), 'Europe/Amsterdam')).to.equal('2026-07-01');
    expect(dateInZone(new Date('2026-12-31T22:59:00Z'), 'Europe/Amsterdam')).to.equal('2026-12-31');
  });

  it('lets one born on 29 February turn 23 on 1 March in a common year', () => {
    expect(turns23On('2004-02-29')).to.equal('2027-03-01');
    expect(ageOn('2004-02-29', '2027-02-28')).to.equal(22);
    expect(ageOn('2004-02-29', '2027-03-01')).to.equal(23);
  });

  it('keeps a term of at most two years, ending on 28 February for a 29 February start', () => {
    expect(addYears('2024-02-29', 2, 'earlier')).to.equal('2026-02-28');
    expect(maxRemovalDate('2024-02-29', '2040-01-01')).to.equal('2026-02-28');
    expect(maxRemovalDate('2026-03-02', '2027-01-01')).to.equal('2027-01-01');
  });

  it('archives only signals removed because the risk ended or the term expired (7.1.4.6)', () => {
    expect(goesToArchive('risk-ended')).to.equal(true);
    expect(goesToArchive('expired')).to.equal(true);
    for (const r of ['unjustified', 'objection', 'correction', 'age-23', 'death'] as const) expect(goesToArchive(r)).to.equal(false);
  });

  it('keeps the archive five years, or until the youth turns 23 when that comes first', () => {
    expect(archiveEnd('2026-03-02', '2040-01-01')).to.equal('2031-03-02');
    expect(archiveEnd('2026-03-02', '2028-05-04')).to.equal('2028-05-04');
  });

  it('counts each pair of professionals as a link, and one professional twice as no match', () => {
    const s = (p: string, i: number) => ({ signalId: `s${i}`, professionalId: p });
    expect(isMatch([s('a', 1), s('a', 2)])).to.equal(false);
    expect(isMatch([s('a', 1), s('b', 2)])).to.equal(true);
    expect(linkCount(['a', 'b', 'c', 'd'].map(s))).to.equal(6);
  });
});
