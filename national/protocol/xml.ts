import { randomUUID } from 'node:crypto';
import { SaxesParser } from 'saxes';
import { isCalendarDate } from '../../region/domain/calendar.js';
import { MAX_BODY_BYTES, NS, SOAP_NS, SyncFault, WSA_NS } from './types.js';

/**
 * The XML layer of the codec: safe parsing into a namespace-aware tree, strict readers that
 * mirror the XSD (unknown or missing elements are schema violations), and a small escaping
 * writer. Only codec.ts uses this module.
 */
export interface XNode {
  ns: string;
  name: string;
  text: string;
  children: readonly XNode[];
}

/** The children of every element without any: one shared, frozen array instead of an empty one per leaf. */
const NO_CHILDREN: readonly XNode[] = Object.freeze([]);

type Scope = ReadonlyMap<string, string>;
const XML_SCOPE: Scope = new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);
/**
 * The namespace declarations a message may hold in all. A message of this protocol declares three
 * or four (soap, wsa, vir); each element that declares one gets a copy of the scope, so without a
 * bound thousands of declarations on thousands of elements cost time in the square of the message
 * size (a 385 KB message held the national index for 50 s).
 */
export const MAX_NAMESPACE_DECLARATIONS = 64;

/**
 * One pass of saxes (a strict XML 1.0 parser: well-formedness, character and name rules)
 * straight into namespace-resolved nodes. Each element's prefix is resolved through the xmlns
 * declarations in scope; an undeclared prefix is a malformed message. An element's text is all
 * its text and CDATA, trimmed; comments and processing instructions are dropped.
 */
function parseTree(xml: string): XNode | null {
  // Without position tracking (a little faster); xml2js's messages named no position either.
  const parser = new SaxesParser({ position: false });
  const nodes: XNode[] = [];
  const scopes: Scope[] = [XML_SCOPE];
  let root: XNode | null = null;
  let undeclared: string | null = null;
  const text = (t: string): void => {
    if (nodes.length > 0) nodes[nodes.length - 1].text += t;
  };
  // The xmlns declarations of the tag being opened, from the attribute events (cheaper than
  // walking saxes's attribute object, a null-prototype dictionary).
  let declared: [string, string][] | null = null;
  let declarations = 0;
  parser.on('attribute', (a) => {
    if (a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) return;
    if (++declarations > MAX_NAMESPACE_DECLARATIONS) {
      throw new SyncFault('Client', 'ONGELDIGE_XML', `more than ${MAX_NAMESPACE_DECLARATIONS} namespace declarations in one message`);
    }
    (declared ??= []).push([a.name === 'xmlns' ? '' : a.name.slice(6), a.value]);
  });
  parser.on('opentag', (tag) => {
    let scope = scopes[scopes.length - 1];
    if (declared !== null) {
      const inner = new Map(scope);
      for (const [prefix, uri] of declared) inner.set(prefix, uri);
      scope = inner;
      declared = null;
    }
    const qname = tag.name;
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const ns = scope.get(prefix);
    if (ns === undefined && prefix !== '') undeclared ??= prefix;
    const node: XNode = { ns: ns ?? '', name: colon < 0 ? qname : qname.slice(colon + 1), text: '', children: NO_CHILDREN };
    if (nodes.length > 0) {
      const parent = nodes[nodes.length - 1];
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else (parent.children as XNode[]).push(node);
    } else root = node;
    nodes.push(node);
    scopes.push(scope);
  });
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    const node = nodes.pop()!;
    if (node.text !== '') node.text = node.text.trim();
    scopes.pop();
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof SyncFault) throw err;
    throw new SyncFault('Client', 'ONGELDIGE_XML', `malformed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (undeclared !== null) throw new SyncFault('Client', 'ONGELDIGE_XML', `malformed XML: undeclared namespace prefix ${undeclared}`);
  return root;
}

export interface Envelope {
  messageId: string;
  action: string;
  relatesTo: string | null;
  body: XNode;
  fault: XNode | null;
}

/** Parses a SOAP 1.1 envelope; refuses DOCTYPEs and entities, oversized and malformed input, and foreign namespaces. */
export async function parseEnvelope(xml: string): Promise<Envelope> {
  // UTF-8 takes 1 to 3 bytes per UTF-16 code unit: count the bytes only when the length leaves it open.
  if (xml.length > MAX_BODY_BYTES || (xml.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(xml) > MAX_BODY_BYTES)) throw new SyncFault('Client', 'TE_GROOT', `message larger than ${MAX_BODY_BYTES} bytes`, 413);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SyncFault('Client', 'DOCTYPE_GEWEIGERD', 'DOCTYPE and entity declarations are not accepted');
  if (xml.trim() === '') throw new SyncFault('Client', 'ONGELDIGE_XML', 'empty document');
  const root = parseTree(xml);
  if (!root) throw new SyncFault('Client', 'ONGELDIGE_XML', 'empty document');
  if (root.ns !== SOAP_NS || root.name !== 'Envelope') {
    throw new SyncFault('Client', 'GEEN_SOAP', `expected a SOAP 1.1 Envelope in ${SOAP_NS}, got {${root.ns}}${root.name}`);
  }
  const header = root.children.find((c) => c.ns === SOAP_NS && c.name === 'Header');
  const body = root.children.find((c) => c.ns === SOAP_NS && c.name === 'Body');
  if (!body || body.children.length !== 1) throw new SyncFault('Client', 'GEEN_SOAP', 'the SOAP Body must hold exactly one element');
  const wsa = (name: string): string | null => {
    const found = header?.children.filter((c) => c.ns === WSA_NS && c.name === name) ?? [];
    if (found.length > 1) throw new SyncFault('Client', 'SCHEMA', `Header: wsa:${name} occurs more than once`);
    return found[0]?.text ?? null;
  };
  const payload = body.children[0];
  const fault = payload.ns === SOAP_NS && payload.name === 'Fault' ? payload : null;
  if (!fault && payload.ns !== NS) throw new SyncFault('Client', 'ONBEKENDE_NAMESPACE', `the body element must be in namespace ${NS}, got ${payload.ns || '(none)'}`);
  const messageId = wsa('MessageID');
  const action = wsa('Action');
  if (!fault && (!messageId || !action)) throw new SyncFault('Client', 'WSA_ONTBREEKT', 'WS-Addressing MessageID and Action headers are required');
  return { messageId: messageId ?? '', action: action ?? '', relatesTo: wsa('RelatesTo'), body: payload, fault };
}

/** Marks an allowed name that occurs more than once among a reader's children. */
const TWICE: XNode = { ns: '', name: '', text: '', children: NO_CHILDREN };

/**
 * Strict readers over one element's children, mirroring the XSD. The constructor checks every
 * child against the allowed names in one pass (trying the schema's order first) and keeps the
 * first child of each name, so a lookup does not scan the children again. A reader's path (for
 * fault messages) is only built when a fault is.
 */
export class Reader {
  /** Per allowed name (same index): its first child, TWICE when there are more, undefined when none. */
  private readonly found: (XNode | undefined)[];

  /**
   * `name` is the path of a reader made here, or the last step of the path of one made by
   * `child` or `children` of `parent` (with its position among its namesakes when `index` > 0).
   */
  constructor(
    private readonly node: XNode,
    private readonly name: string,
    private readonly allowed: readonly string[],
    private readonly parent: Reader | null = null,
    private readonly index = 0,
  ) {
    // An element of the XSD's complex types holds elements only (xmllint: "Character content ... not allowed").
    if (node.text !== '') throw this.fault(`text "${node.text.slice(0, 40)}" where only elements may stand`);
    const found: (XNode | undefined)[] = new Array<XNode | undefined>(allowed.length).fill(undefined);
    let next = 0;
    for (const c of node.children) {
      const i = c.ns !== NS ? -1 : next < allowed.length && allowed[next] === c.name ? next : allowed.indexOf(c.name);
      if (i < 0) throw this.fault(`unexpected element {${c.ns}}${c.name}`);
      // The XSD's sequences: each element in its place, a repeated one in a row (as xmllint checks).
      if (i < next - 1) throw this.fault(`${c.name} must come before ${allowed[next - 1]}`);
      found[i] = found[i] === undefined ? c : TWICE;
      next = i + 1;
    }
    this.found = found;
  }

  private get path(): string {
    return this.parent ? `${this.parent.path}/${this.name}${this.index > 0 ? `[${this.index}]` : ''}` : this.name;
  }

  /** The first child named `name` (TWICE if there are more), or undefined. */
  private first(name: string): XNode | undefined {
    const i = this.allowed.indexOf(name);
    return i < 0 ? undefined : this.found[i];
  }

  fault(message: string): SyncFault {
    return new SyncFault('Client', 'SCHEMA', `${this.path}: ${message}`);
  }

  all(name: string): XNode[] {
    return this.node.children.filter((c) => c.name === name);
  }

  has(name: string): boolean {
    return this.first(name) !== undefined;
  }

  opt(name: string, pattern?: Pattern): string | undefined {
    const found = this.first(name);
    if (found === undefined) return undefined;
    if (found === TWICE) throw this.fault(`${name} occurs more than once`);
    if (found.children.length > 0) throw this.fault(`${name} must hold text`);
    if (pattern && !pattern.test(found.text)) throw this.fault(`${name} "${found.text.slice(0, 40)}" is not valid`);
    return found.text;
  }

  one(name: string, pattern?: Pattern): string {
    const v = this.opt(name, pattern);
    if (v === undefined) throw this.fault(`${name} is required`);
    return v;
  }

  child(name: string, allowed: readonly string[]): Reader {
    const found = this.first(name);
    if (found === undefined || found === TWICE) throw this.fault(`${name} is required once`);
    return new Reader(found, name, allowed, this);
  }

  children(name: string, allowed: readonly string[]): Reader[] {
    return this.all(name).map((n, i) => new Reader(n, name, allowed, this, i + 1));
  }
}

/** What a text value must be: a regular expression, or a check of its own where the form alone is not enough. */
export interface Pattern {
  test(text: string): boolean;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-](\d{2}):(\d{2}))$/;

export const PATTERNS = {
  id: /^[A-Za-z0-9:._-]{1,100}$/,
  /** xs:date as the XSD has it: a day that exists (2026-02-31 is refused, as xmllint refuses it). */
  date: { test: isCalendarDate } satisfies Pattern,
  /** xs:dateTime: a day that exists and a time of day (hours 0-23, minutes and seconds 0-59, offset at most 14:00). */
  dateTime: {
    test(text: string): boolean {
      const m = DATE_TIME.exec(text);
      if (!m || !isCalendarDate(m[1])) return false;
      const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4])];
      if (hours > 23 || minutes > 59 || seconds > 59) return false;
      return m[7] === undefined || (Number(m[7]) * 60 + Number(m[8]) <= 14 * 60 && Number(m[8]) <= 59);
    },
  } satisfies Pattern,
  uint: /^\d{1,15}$/,
  /** xs:boolean: true, false, 1 or 0 (read with isTrue). */
  bool: /^(true|false|1|0)$/,
  /** A BSN, or a verwijsindexservicenummer for a youth without one. */
  bsn: /^(\d{9}|V[0-9A-HJKMNP-TV-Z]{8})$/,
  municipality: /^\d{4}$/,
  text: /^[\s\S]{1,200}$/,
};

/** Characters XML 1.0 cannot carry at all, not even as a character reference: control characters and lone surrogates. */
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * Text as XML character data. A character XML 1.0 cannot carry becomes U+FFFD, so that a message
 * is always well-formed: one stray control character in a professional's name, stored before the
 * edges refused them, would otherwise make every event of their signals a Fault (a dead letter).
 */
export function escapeXml(s: string): string {
  return s.replace(NOT_IN_XML, '\uFFFD').replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** One element in the vir namespace: text, or nested parts (already XML). Undefined values are left out. */
/** An xs:boolean as read (PATTERNS.bool): true for "true" and "1". */
export const isTrue = (text: string): boolean => text === 'true' || text === '1';

export function el(name: string, content: string | number | boolean | undefined | null | string[]): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return `<vir:${name}>${content.join('')}</vir:${name}>`;
  return `<vir:${name}>${escapeXml(String(content))}</vir:${name}>`;
}

export function envelope(action: string, body: string, relatesTo?: string, to?: string): string {
  const header = [
    `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>`,
    `<wsa:Action>${escapeXml(action)}</wsa:Action>`,
    to ? `<wsa:To>${escapeXml(to)}</wsa:To>` : '',
    relatesTo ? `<wsa:RelatesTo>${escapeXml(relatesTo)}</wsa:RelatesTo>` : '',
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:wsa="${WSA_NS}" xmlns:vir="${NS}"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}
