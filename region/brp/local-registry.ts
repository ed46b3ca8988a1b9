import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isValidBsn } from '../domain/bsn.js';
import { isCalendarDate, type CalendarDate } from '../domain/calendar.js';
import { AppError, notFound } from '../errors.js';
import { today, type RegionContext } from '../services/context.js';
import { jsonSyntaxError, jsonValueLines, lineOf, parseErrorLine } from './json-lines.js';
import { personFromBrp, personSchema, type Person } from './person.js';
import type { PersonRegistry } from './registry.js';
import { brpPersoon } from './schema.js';

/**
 * A population register kept by the region itself, for covenants without access to the BRP
 * and for demos and tests. It is filled from a JSON file in the shape of the BRP's own answer
 * (`{ "personen": [ Persoon, ... ] }`, as RaadpleegMetBurgerservicenummerResponse), checked
 * record by record and imported all or nothing. Only the Person we need is kept (not the rest
 * of the record), sealed with the BSN vault and keyed by the BSN's blind index: no BSN in
 * plain text. It behaves like the BRP: follow, and changesSince reports followed persons only.
 */
export interface LocalPersonRegistry extends PersonRegistry {
  /** Imports a file's text; every person added or changed counts as changed today. All or nothing. */
  importJson(text: string): ImportResult;
  importFile(file: string): ImportResult;
  /** Changes a person (a move, a death, ...) and records the change on `changedOn`. */
  updatePerson(bsn: string, change: Partial<Omit<Person, 'bsn'>>, changedOn: CalendarDate): Person;
}

export interface ImportResult {
  added: number;
  changed: number;
  unchanged: number;
}

export interface ImportProblem {
  /** e.g. personen[3].burgerservicenummer */
  path: string;
  line: number | null;
  message: string;
}

const MAX_LISTED_PROBLEMS = 20;

const fileShape = z.strictObject({
  type: z.literal('RaadpleegMetBurgerservicenummer', 'must be RaadpleegMetBurgerservicenummer (or left out)').optional(),
  personen: z.array(z.unknown(), 'must be a list of persons'),
});

export function createLocalPersonRegistry(ctx: RegionContext): LocalPersonRegistry {
  const { db, vault } = ctx;
  const q = {
    get: db.prepare<[string], { record: Buffer }>('SELECT record FROM brp_local_persons WHERE youth_key = ?'),
    insert: db.prepare<[string, Buffer, string]>('INSERT INTO brp_local_persons (youth_key, record, updated_at) VALUES (?, ?, ?)'),
    update: db.prepare<[Buffer, string, string]>('UPDATE brp_local_persons SET record = ?, updated_at = ? WHERE youth_key = ?'),
    change: db.prepare<[string, string, string]>('INSERT INTO brp_local_changes (youth_key, changed_on, recorded_at) VALUES (?, ?, ?)'),
    follow: db.prepare<[string, string]>('INSERT INTO brp_local_follows (youth_key, followed_at) VALUES (?, ?) ON CONFLICT (youth_key) DO NOTHING'),
    unfollow: db.prepare<[string]>('DELETE FROM brp_local_follows WHERE youth_key = ?'),
    changes: db.prepare<[string], { record: Buffer; changed_on: string }>(
      `SELECT p.record, MAX(c.changed_on) AS changed_on FROM brp_local_changes c
       JOIN brp_local_follows f ON f.youth_key = c.youth_key
       JOIN brp_local_persons p ON p.youth_key = c.youth_key
       WHERE c.changed_on >= ? GROUP BY c.youth_key ORDER BY changed_on`,
    ),
  };
  const seal = (person: Person): Buffer => vault.seal(JSON.stringify(person));
  const open = (record: Buffer): Person => JSON.parse(vault.open(record)) as Person;
  const keyOf = (bsn: string): string => {
    if (!/^[0-9]{9}$/.test(bsn)) throw new AppError('INVALID_BSN', 'a BSN is 9 digits', 400);
    return vault.youthKey(bsn);
  };
  const read = (bsn: string): Person | null => {
    const row = q.get.get(keyOf(bsn));
    return row ? open(row.record) : null;
  };

  /** Stores a person; records a change when it is new or differs. Runs inside the caller's transaction. */
  const store = (person: Person, changedOn: CalendarDate): 'added' | 'changed' | 'unchanged' => {
    const key = vault.youthKey(person.bsn);
    const at = ctx.now().toISOString();
    const row = q.get.get(key);
    if (row && JSON.stringify(open(row.record)) === JSON.stringify(person)) return 'unchanged';
    if (row) q.update.run(seal(person), at, key);
    else q.insert.run(key, seal(person), at);
    q.change.run(key, changedOn, at);
    return row ? 'changed' : 'added';
  };

  const importJson = (text: string): ImportResult => {
    const persons = parseLocalFile(text);
    const on = today(ctx);
    return db.transaction(() => {
      const result: ImportResult = { added: 0, changed: 0, unchanged: 0 };
      for (const person of persons) result[store(person, on)]++;
      return result;
    })();
  };

  return {
    async lookup(bsn) {
      return read(bsn);
    },
    async follow(bsn) {
      q.follow.run(keyOf(bsn), ctx.now().toISOString());
    },
    async unfollow(bsn) {
      q.unfollow.run(keyOf(bsn));
    },
    async changesSince(isoDate) {
      if (!isCalendarDate(isoDate)) throw new AppError('INVALID_DATE', 'changesSince needs a date YYYY-MM-DD', 400);
      return q.changes.all(isoDate).map((r) => ({ bsn: open(r.record).bsn, changedOn: r.changed_on }));
    },
    importJson,
    importFile(file) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new AppError('BRP_FILE_UNREADABLE', `the person file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 400);
      }
      return importJson(text);
    },
    updatePerson(bsn, change, changedOn) {
      if (!isCalendarDate(changedOn)) throw new AppError('INVALID_DATE', 'changedOn must be a date YYYY-MM-DD', 400);
      return db.transaction(() => {
        const current = read(bsn);
        if (!current) throw notFound('person');
        const parsed = personSchema.safeParse({ ...current, ...change, bsn: current.bsn });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new AppError('VALIDATION_ERROR', `${issue.path.join('.') || 'change'}: ${issue.message}`, 400);
        }
        const next = canonical(parsed.data);
        store(next, changedOn);
        return next;
      })();
    },
  };
}

/** The Person in one fixed form, so that equal data compares equal. */
function canonical(person: Person): Person {
  const { bsn, birthDate, parentBsns, residentialAddressId, municipality, deceasedOn } = person;
  return { bsn, birthDate, parentBsns: [...parentBsns].sort(), residentialAddressId, municipality, deceasedOn };
}

/**
 * Reads and checks a local person file: every problem in every record, each with its path and
 * line, in one AppError BRP_FILE_INVALID (details: ImportProblem[]). Nothing is stored here.
 */
export function parseLocalFile(input: string): Person[] {
  const text = input.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const line = parseErrorLine(text, err as Error);
    throw invalid([{ path: '(file)', line, message: jsonSyntaxError(text, err as Error) }]);
  }
  const lines = jsonValueLines(text);
  const problems: ImportProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path, line: lineOf(lines, path), message });
  };
  const shape = fileShape.safeParse(json);
  if (!shape.success) {
    for (const issue of shape.error.issues) problem(issue.path.join('.') || '(file)', describe(issue, json));
    throw invalid(problems);
  }
  const persons: Person[] = [];
  const seen = new Map<string, number>();
  shape.data.personen.forEach((record, index) => {
    const at = `personen[${index}]`;
    const parsed = brpPersoon.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(joinPath(at, issue.path), describe(issue, record));
      return;
    }
    const persoon = parsed.data;
    if (!isValidBsn(persoon.burgerservicenummer)) problem(`${at}.burgerservicenummer`, 'must pass the elfproef');
    (persoon.ouders ?? []).forEach((o, i) => {
      if (o.burgerservicenummer && !isValidBsn(o.burgerservicenummer)) problem(`${at}.ouders[${i}].burgerservicenummer`, 'must pass the elfproef');
    });
    const first = seen.get(persoon.burgerservicenummer);
    if (first !== undefined) problem(`${at}.burgerservicenummer`, `is the same person as personen[${first}]: each person once`);
    else seen.set(persoon.burgerservicenummer, index);
    const person = canonical(personFromBrp(persoon));
    if (person.parentBsns.length > 2) problem(`${at}.ouders`, 'a person has at most two parents in the BRP');
    persons.push(person);
  });
  if (problems.length) throw invalid(problems);
  return persons;
}

function joinPath(base: string, path: PropertyKey[]): string {
  return path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : `${p}.${String(k)}`), base);
}

/** A zod issue in words that say what to fix; `root` is the value the issue's path starts from. */
function describe(issue: z.core.$ZodIssue, root: unknown): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type') {
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
    if (value === undefined) return 'is required';
    return issue.expected === 'object' || issue.expected === 'array' ? `must be an ${issue.expected}` : `must be a ${issue.expected}`;
  }
  return issue.message;
}

function invalid(problems: ImportProblem[]): AppError {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${p.path}${p.line !== null ? ` (line ${p.line})` : ''}: ${p.message}`);
  const more = problems.length > MAX_LISTED_PROBLEMS ? `\n... and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
  return new AppError('BRP_FILE_INVALID', `the person file was not imported (nothing was changed):\n${listed.join('\n')}${more}`, 400, problems);
}
