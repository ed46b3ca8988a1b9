import { parameters, responses, securitySchemes, ok } from './common.js';
import { accountPaths } from './paths-accounts.js';
import { adminPaths } from './paths-admin.js';
import { adminLifecyclePaths } from './paths-admin-lifecycle.js';
import { checkerPaths } from './paths-checker.js';
import { clientPaths } from './paths-client.js';
import { connectorPaths } from './paths-connector.js';
import { coordinationPaths } from './paths-coordination.js';
import { schemas } from './schemas.js';
import type { OpenApiDocument } from './types.js';

export type { OpenApiDocument } from './types.js';

const description = [
  'The HTTP API of a regional index (regionale verwijsindex) of the Verwijsindex Risicojongeren (Jeugdwet section 7.1).',
  'The covenant administrator sets up the covenant area under /api/v1/admin with an admin token. A municipality\'s checker follows up matches under /api/v1/checker with a checker token. Institutions\' case systems register signals and read matches and notices under /api/v1 with their API key, naming the professional they act for in X-Professional-Id.',
  'Every error answer is `{ "error": { "code", "message" } }` with a stable code. The JSON body of any request is read before routing, so any request with an unreadable body gets 400 MALFORMED_JSON, 413 BODY_TOO_LARGE or 415. An unknown path or method gets 404 NOT_FOUND; under /api/v1 (the admin and checker prefixes included) it is first authenticated as a client-system request, so it gets 401 unless it carries a valid API key and X-Professional-Id.',
].join('\n\n');

/** The OpenAPI 3.1 document of the regional index's HTTP API, served at GET /api/v1/openapi.json. */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
  info: { title: 'Verwijsindex regio API', version: '1', description },
  servers: [{ url: '/', description: 'This regional index.' }],
  tags: [
    { name: 'Service', description: 'Health and this document; no authentication.' },
    { name: 'Covenant area', description: 'Municipalities, institutions, professionals and API keys (7.1.3.1-7.1.3.3); admin token.' },
    { name: 'Signals', description: 'Registering, extending and removing signals (7.1.4.2-7.1.4.6); API key.' },
    { name: 'Matches', description: 'Matches between professionals on the same youth (7.1.2.3, 7.1.4.3(2)); API key.' },
    { name: 'Notices', description: 'Notices about matches, archived signals, informing and hand-overs (7.1.4.3(2), 7.1.4.6, 7.1.5.1); API key.' },
    { name: 'Informing', description: 'The duty to inform the youth or their representative of a signal (informatieplicht, 7.1.5.1); API key.' },
    { name: 'Hand-overs', description: "Moving a professional's active signals to a colleague (7.1.3.3); admin token, or API key of a coordinator." },
    { name: 'Checker', description: "The municipal checker who follows up matches (7.1.3.2); checker token." },
    { name: 'Reports', description: 'Reports for the covenant area; admin token.' },
    { name: 'Data-subject requests', description: 'Inspection and removal after objection or correction (7.1.5.2); admin token.' },
    { name: 'Portal accounts', description: 'Accounts for the portal, one person in one role; admin token.' },
    { name: 'National index', description: 'The link with the national index, which matches across regions (7.1.2.3); admin token.' },
  ],
  paths: {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Check that the index is up',
        description: 'For load balancers and monitoring. Needs no authentication.',
        tags: ['Service'],
        security: [],
        responses: { '200': ok('The index is up.', 'Health') },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        description: 'Needs no authentication.',
        tags: ['Service'],
        security: [],
        responses: { '200': ok('The OpenAPI 3.1 document.', 'OpenApiDocument') },
      },
    },
    ...adminPaths,
    ...adminLifecyclePaths,
    ...accountPaths,
    ...connectorPaths,
    ...checkerPaths,
    ...clientPaths,
    ...coordinationPaths,
  },
  components: { schemas, responses, parameters, securitySchemes },
};
