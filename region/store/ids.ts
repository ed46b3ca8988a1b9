import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562) for a row written now: the first 48 bits are the millisecond, the
 * other 74 are random (as many random bits as a version 4 UUID less the 48 of the time). Rows
 * inserted one after the other get ids that sort after each other, so their primary-key index
 * (and any index on the id, such as the outbox's) grows at its end instead of at a random leaf:
 * a group commit of 50 registrations writes one leaf page of each such index instead of ~45. The
 * id tells when the row was made, which every reader of these rows may know anyway (the signal's
 * registration time is in the signal). The bulk import makes its ids the same way
 * (bulk-import/ids.ts).
 */
export function uuid7(ms = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  return `${uuid7Prefix(ms)}${random.slice(15)}`;
}

/** The first 15 characters of a version 7 UUID of millisecond `ms`: its time, and the version digit. */
export function uuid7Prefix(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
}
