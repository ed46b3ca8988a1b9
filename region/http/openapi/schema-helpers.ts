import type { Schema } from './types.js';

/** Small builders for the document's JSON Schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses it). */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
export const uuid = (description: string): Schema => ({ type: 'string', format: 'uuid', description });
export const instant = (description: string): Schema => ({ type: 'string', format: 'date-time', description });
export const day = (description: string): Schema => ({ type: 'string', format: 'date', description });
export const nothing = (description: string): Schema => ({ type: 'null', description });
export const flag = (description: string): Schema => ({ type: 'boolean', description });
export const count = (description: string): Schema => ({ type: 'integer', minimum: 0, description });
export const oneOf = (description: string, ...names: string[]): Schema => ({ description, oneOf: names.map(ref) });
export const list = (description: string, items: Schema, minItems?: number): Schema => ({ type: 'array', description, items, ...(minItems ? { minItems } : {}) });
export const nullable = (description: string, name: string): Schema => ({ description, oneOf: [ref(name), { type: 'null' }] });
export const oneOfValues = (description: string, values: readonly string[]): Schema => ({ type: 'string', enum: values, description });

/** A closed object: every property listed is required unless named in `optional`. */
export function object(description: string, properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    description,
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

export const CBS_CODE = '^\\d{4}$';
export const cbsCode = (description: string): Schema => str(description, { pattern: CBS_CODE });
export const bsn = (description: string): Schema => str(description, { pattern: '^\\d{9}$' });
/** A secret handed out once: a prefix, an underscore and 32 random bytes in base64url. */
export const secret = (prefix: string, description: string): Schema => str(description, { pattern: `^${prefix}_[A-Za-z0-9_-]{43}$` });
