/**
 * Where each value of a JSON text starts: its line, by path (`personen[3].geboorte.datum`),
 * so that an error in an imported file can say where to look. JSON.parse keeps no positions;
 * this scanner walks text that JSON.parse has already accepted.
 */
export function jsonValueLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    skipSpace();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      while (text[i] !== '}') {
        skipSpace();
        const key = readString();
        skipSpace();
        i++; // ':'
        value(path ? `${path}.${key}` : key);
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '[') {
      i++;
      skipSpace();
      let n = 0;
      while (text[i] !== ']') {
        value(`${path}[${n++}]`);
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '"') {
      readString();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  };
  value('');
  return lines;
}

/** The line of the nearest enclosing value that has one (a missing field: its object). */
export function lineOf(lines: Map<string, number>, path: string): number | null {
  for (let p = path; ; ) {
    const found = lines.get(p);
    if (found !== undefined) return found;
    if (p === '') return null;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}

/** The line of a JSON.parse error, when its message gives a position. */
export function parseErrorLine(text: string, err: Error): number | null {
  return errorPlace(text, err)?.line ?? null;
}

/** Line and column of the mistake JSON.parse reported, when its message gives a position. */
function errorPlace(text: string, err: Error): { line: number; column: number } | null {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return null;
  const before = text.slice(0, Number(m[1])).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * What is wrong with text that JSON.parse refused, without quoting it: V8's message may quote the
 * text around the mistake, which in a config file is a key and in a person file a BSN.
 */
export function jsonSyntaxError(text: string, err: Error): string {
  const place = errorPlace(text, err);
  if (place) return `is not valid JSON at line ${place.line}, column ${place.column} (check quotes, commas and brackets)`;
  if (/end of JSON input/.test(err.message)) return 'is not valid JSON: it ends too early (a bracket or quote is not closed)';
  return 'is not valid JSON: an unexpected character (check the quotes around texts, commas and brackets)';
}
