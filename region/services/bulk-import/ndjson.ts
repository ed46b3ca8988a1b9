import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AppError } from '../../errors.js';

/**
 * Reads an NDJSON file in blocks of whole lines, synchronously and without holding the file in
 * memory: each chunk is a Buffer that ends at a line break (or at the end of the file) and
 * knows the number of its first line. The whole file's SHA-256 is computed on the way, so the
 * audit log can name exactly which file was imported.
 */
export interface LineChunk {
  /** 1-based number of the first line in `bytes`. */
  firstLine: number;
  /** How many lines `bytes` holds (a last line without a line break counts). */
  lineCount: number;
  bytes: Buffer;
}

const NEWLINE = 0x0a;
export const CHUNK_BYTES = 1 << 20;
/** No signal line comes near this. A longer line is a bad line; one that runs on past a whole chunk stops the import at once. */
export const MAX_LINE_BYTES = 64 * 1024;

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE) n++;
  return n;
}

export class NdjsonChunks {
  private readonly fd: number;
  /** The file's size in bytes when it was opened. */
  readonly size: number;
  private readonly hash = createHash('sha256');
  private carry: Buffer = Buffer.alloc(0);
  private nextLine = 1;
  private done = false;
  bytesRead = 0;

  constructor(file: string, private readonly chunkBytes = CHUNK_BYTES) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** The next chunk of whole lines, or null at the end of the file. */
  next(): LineChunk | null {
    while (!this.done) {
      const block = Buffer.allocUnsafe(this.chunkBytes);
      const n = readSync(this.fd, block, 0, block.length, null);
      if (n === 0) {
        this.done = true;
        break;
      }
      const read = block.subarray(0, n);
      this.hash.update(read);
      this.bytesRead += n;
      const joined = this.carry.length ? Buffer.concat([this.carry, read]) : read;
      const end = joined.lastIndexOf(NEWLINE);
      if (end === -1) {
        if (joined.length > MAX_LINE_BYTES) {
          throw new AppError('LINE_TOO_LONG', `line ${this.nextLine} is longer than ${MAX_LINE_BYTES / 1024} KiB: this is not a file of signals, one JSON object per line`, 400);
        }
        this.carry = Buffer.from(joined);
        continue;
      }
      this.carry = Buffer.from(joined.subarray(end + 1));
      return this.emit(joined.subarray(0, end + 1));
    }
    if (this.carry.length) {
      const last = this.carry;
      this.carry = Buffer.alloc(0);
      return this.emit(last);
    }
    return null;
  }

  private emit(bytes: Buffer): LineChunk {
    const chunk = { firstLine: this.nextLine, lineCount: countLines(bytes), bytes };
    this.nextLine += chunk.lineCount;
    return chunk;
  }

  /** Lines read so far. */
  get lines(): number {
    return this.nextLine - 1;
  }

  /** The SHA-256 of the whole file, in hex; valid once next() returned null. */
  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Each line of a chunk: its number and where its bytes lie, `[start, stop)` in chunk.bytes, without
 * the line break and a \r before it.
 */
export function eachLine(chunk: LineChunk, visit: (line: number, start: number, stop: number) => void): void {
  const { bytes } = chunk;
  let start = 0;
  let line = chunk.firstLine;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    let stop = end;
    if (stop > start && bytes[stop - 1] === 0x0d) stop--;
    visit(line, start, stop);
    line++;
    start = end + 1;
  }
}

/** A line's text (from eachLine), without a byte-order mark at the start of the file. */
export function lineText(chunk: LineChunk, line: number, start: number, stop: number): string {
  const text = chunk.bytes.toString('utf8', start, stop);
  return line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The lines of a chunk as text, without their line break (and without a trailing \r or a BOM). */
export function linesOf(chunk: LineChunk): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  eachLine(chunk, (line, start, stop) => lines.push({ line, text: lineText(chunk, line, start, stop) }));
  return lines;
}
