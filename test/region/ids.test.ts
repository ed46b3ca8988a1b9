import { expect } from 'chai';
import { uuid7 } from '../../region/store/ids.js';

describe('ids of rows written one by one (uuid7)', () => {
  it('are RFC 9562 version 7 UUIDs that sort in the order they were made, and never repeat', () => {
    const at = Date.UTC(2026, 10, 29, 12, 0, 0);
    const ids = Array.from({ length: 2000 }, (_, i) => uuid7(at + Math.floor(i / 100)));
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    // The first 48 bits are the millisecond: ids of a later millisecond sort after all of an earlier one.
    expect(ids[0].replace(/-/g, '').slice(0, 12)).to.equal(at.toString(16).padStart(12, '0'));
    for (let i = 100; i < ids.length; i += 100) expect(ids[i] > ids[i - 1], `${ids[i]} after ${ids[i - 1]}`).to.equal(true);
  });
});
