import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/**
 * The official BRP specifications (../shared/reference/, next to this repository) as ajv
 * validators, so that tests check the fake BRP, and through it our client, against the
 * published contract itself. The files are required: a missing file fails the test.
 *
 * OpenAPI is not plain JSON Schema, so the component schemas are adapted, not rewritten:
 * - `$ref: '#/components/schemas/X'` points into one schema resource (`urn:brp:<spec>`, `$defs`);
 * - `nullable: true` (OpenAPI 3.0) becomes a type that also allows null;
 * - patterns are run as the spec writes them, without the unicode flag;
 * - a `discriminator` (which JSON Schema ignores) is made to bite: an abstract schema A with
 *   mapping {k: S} becomes "A's own rules, and if type is k then S", where S's own reference
 *   to A points to A's rules alone (otherwise S → A → S would never end).
 */
const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
export const REFERENCE_DIR = join(REPO_ROOT, '..', 'shared', 'reference');

export type SpecName = 'brp-personen' | 'brp-update';

type Json = Record<string, any>;

export interface OfficialSpec {
  document: Json;
  /** Validates `data` against components.schemas[name]; returns the errors, or [] when valid. */
  validate(name: string, data: unknown): string[];
  /** The component schema name of an operation's response (e.g. '200' of POST /personen). */
  responseSchema(path: string, method: string, status: string): string;
  /** The component schema name of an operation's request body. */
  requestSchema(path: string, method: string): string;
}

export function loadOfficialSpec(name: SpecName): OfficialSpec {
  const file = join(REFERENCE_DIR, `${name}-openapi.yaml`);
  const document = parse(readFileSync(file, 'utf8')) as Json;
  const id = `urn:brp:${name}`;
  const schemas = structuredClone(document.components.schemas) as Json;
  const defs = adaptDiscriminators(schemas);
  const adapted = rewrite(defs, id);
  // unicodeRegExp: false: the spec's patterns escape characters (\') that a unicode-mode RegExp refuses
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addFormat('int32', true);
  ajv.addSchema({ $id: id, $defs: adapted });
  const refName = (ref: string): string => ref.replace('#/components/schemas/', '');
  const resolveResponse = (r: Json): Json => (r.$ref ? document.components.responses[r.$ref.replace('#/components/responses/', '')] : r);
  return {
    document,
    validate(schemaName, data) {
      const validate = ajv.getSchema(`${id}#/$defs/${schemaName}`);
      if (!validate) throw new Error(`${name}: no schema ${schemaName}`);
      if (validate(data)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} (${e.schemaPath})`);
    },
    responseSchema(path, method, status) {
      const response = resolveResponse(document.paths[path][method].responses[status]);
      const content = Object.values(response.content as Json)[0] as Json;
      return refName(content.schema.$ref);
    },
    requestSchema(path, method) {
      const content = Object.values(document.paths[path][method].requestBody.content as Json)[0] as Json;
      return refName(content.schema.$ref);
    },
  };
}

function adaptDiscriminators(schemas: Json): Json {
  const out: Json = { ...schemas };
  for (const [name, schema] of Object.entries(schemas)) {
    const mapping = schema?.discriminator?.mapping as Record<string, string> | undefined;
    if (!mapping) continue;
    const { discriminator, ...own } = schema;
    const prop = discriminator.propertyName as string;
    const base = `${name}__own`;
    out[base] = own;
    out[name] = {
      allOf: [
        { $ref: `#/components/schemas/${base}` },
        ...Object.entries(mapping).map(([value, ref]) => ({
          if: { properties: { [prop]: { const: value } }, required: [prop] },
          then: { $ref: ref },
        })),
      ],
    };
    for (const ref of Object.values(mapping)) {
      const sub = ref.replace('#/components/schemas/', '');
      out[sub] = replaceRef(out[sub], `#/components/schemas/${name}`, `#/components/schemas/${base}`);
    }
  }
  return out;
}

function replaceRef(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => replaceRef(n, from, to));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, k === '$ref' && v === from ? to : replaceRef(v, from, to)]));
}

function rewrite(node: unknown, id: string): any {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, id));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', `${id}#/$defs/`);
    else if (k === 'nullable' || k === 'example' || k === 'discriminator') continue;
    else out[k] = rewrite(v, id);
  }
  if ((node as Json).nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}
