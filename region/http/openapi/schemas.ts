import { accountSchemas } from './schemas-accounts.js';
import { connectorSchemas } from './schemas-connector.js';
import { covenantSchemas } from './schemas-covenant.js';
import { matchSchemas } from './schemas-matches.js';
import { signalSchemas } from './schemas-signals.js';
import { object, str } from './schema-helpers.js';
import type { Schema } from './types.js';

/** All JSON shapes of the API (components.schemas): request bodies, answers and the one error shape. */
export { ref } from './schema-helpers.js';

export const schemas: Record<string, Schema> = {
  Error: object('Every error answer has this shape. `code` is stable and meant for programs; `message` says what to fix.', {
    error: object('The error.', {
      code: str('Stable error code, e.g. VALIDATION_ERROR, INVALID_BSN, NOT_FOUND.', { pattern: '^[A-Z][A-Z0-9_]*$' }),
      message: str('What went wrong, in English, naming the field or rule.', { minLength: 1 }),
    }),
  }),
  Health: object('The process is up.', {
    status: { const: 'ok', description: 'Always ok.' },
    region: str('The id of this regional index (config region.id).', { pattern: '^[a-z0-9-]{2,40}$' }),
  }),
  OpenApiDocument: {
    type: 'object',
    description: 'This OpenAPI 3.1 document.',
    required: ['openapi', 'info', 'paths', 'components'],
    properties: {
      openapi: str('The OpenAPI version.', { pattern: '^3\\.1\\.\\d+$' }),
      info: { type: 'object', description: 'Title, version and description.' },
      paths: { type: 'object', description: 'The operations.' },
      components: { type: 'object', description: 'The shared schemas, parameters and answers.' },
    },
  },
  ...covenantSchemas,
  ...signalSchemas,
  ...matchSchemas,
  ...connectorSchemas,
  ...accountSchemas,
};
