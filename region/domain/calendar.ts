/**
 * Calendar dates as ISO strings (YYYY-MM-DD). Pure functions: the current moment is
 * always passed in, never read here.
 */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(date: CalendarDate): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(y: number, m: number, d: number): CalendarDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Adds whole years. A 29 February that does not exist in the target year becomes
 * 28 February when `leapDay` is 'earlier' (terms "at most N years") and 1 March when it is
 * 'later' (a birthday: one who is born on 29 February turns a year older on 1 March).
 */
export function addYears(date: CalendarDate, years: number, leapDay: 'earlier' | 'later'): CalendarDate {
  const [y, m, d] = parts(date);
  const ty = y + years;
  if (m === 2 && d === 29 && daysInMonth(ty, 2) === 28) {
    return leapDay === 'earlier' ? format(ty, 2, 28) : format(ty, 3, 1);
  }
  return format(ty, m, d);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function minDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a <= b ? a : b;
}

/** The calendar date of a moment in a time zone (Europe/Amsterdam for the law's dates). */
export function dateInZone(moment: Date, timeZone: string): CalendarDate {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(moment);
}

/** One formatter per time zone: building one costs more than a whole registration's SQL. */
const formatters = new Map<string, Intl.DateTimeFormat>();
