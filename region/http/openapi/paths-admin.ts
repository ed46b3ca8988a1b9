import { ADMIN_ANSWERS, adminOperation, bodyFailures, failure, jsonBody, ok, param, UNREADABLE } from './common.js';
import type { Operation, PathItem } from './types.js';

/** The covenant administrator's API (admin-routes.ts): municipalities, institutions, professionals, API keys. */
const invalid = (what: string): ReturnType<typeof failure> =>
  failure(`The body is not valid JSON, or ${what}: the message names each field and what to fix.`, ['VALIDATION_ERROR', ...UNREADABLE]);
const unreadable = failure('A body was sent that is not valid JSON, or holds a field (the operation takes no body: none, or {}).', ['VALIDATION_ERROR', ...UNREADABLE]);
const noInstitution = failure('There is no institution with this id.', ['NOT_FOUND']);
const common = ADMIN_ANSWERS;
const admin = (op: Parameters<typeof adminOperation>[1]): Operation => adminOperation('Covenant area', op);

export const adminPaths: Record<string, PathItem> = {
  '/api/v1/admin/municipalities': {
    post: admin({
      operationId: 'addMunicipality',
      summary: 'Add a municipality to the covenant area',
      description: 'The municipality makes the covenant and appoints a checker who follows up matches (Jeugdwet 7.1.3.1, 7.1.3.2).',
      requestBody: jsonBody('MunicipalityInput', 'The municipality and its checker.'),
      responses: {
        '201': ok('The municipality is part of the covenant area.', 'MunicipalityCreated'),
        '400': invalid('a field is missing, unknown or wrong'),
        ...common,
        '409': failure('The municipality is already part of the covenant area.', ['MUNICIPALITY_EXISTS']),
        ...bodyFailures,
      },
    }),
    get: admin({
      operationId: 'listMunicipalities',
      summary: 'List the municipalities of the covenant area',
      description: 'Every municipality with its checker (7.1.3.2), ordered by CBS code.',
      responses: { '200': ok('The municipalities.', 'Municipality', true), ...common },
    }),
  },
  '/api/v1/admin/municipalities/{code}/notices': {
    parameters: [param('MunicipalityCode')],
    get: admin({
      operationId: 'listCheckerNotices',
      summary: 'Read the notices to a municipality\'s checker',
      description:
        'The notices for the checker the municipality appointed to follow up matches (Jeugdwet 7.1.3.2), newest first: each match that concerns a youth living in the municipality, without any professional or youth. Reading marks them all read, for the checker as well: these are the notices the checker reads at GET /api/v1/checker/notices.',
      responses: {
        '200': ok('The checker\'s notices.', 'CheckerNotice', true),
        ...common,
        '404': failure('The municipality is not part of the covenant area.', ['NOT_FOUND']),
      },
    }),
  },
  '/api/v1/admin/institutions': {
    post: admin({
      operationId: 'addInstitution',
      summary: 'Add an institution',
      description:
        'An institution of a designated category (Jeugdwet 7.1.1.2, Besluit Jeugdwet 7.1.1-7.1.7) that joined the covenant, optionally with its coordinator (7.1.3.3).',
      requestBody: jsonBody('InstitutionInput', 'The institution.'),
      responses: { '201': ok('The institution was added.', 'Created'), '400': invalid('a field is missing, unknown or wrong'), ...common, ...bodyFailures },
    }),
    get: admin({
      operationId: 'listInstitutions',
      summary: 'List the institutions',
      description: 'Every institution with its category and coordinator, ordered by name.',
      responses: { '200': ok('The institutions.', 'Institution', true), ...common },
    }),
  },
  '/api/v1/admin/institutions/{id}/professionals': {
    parameters: [param('InstitutionId')],
    post: admin({
      operationId: 'addProfessional',
      summary: 'Add a professional to an institution',
      description: 'The professional is authorised to signal from the start (Jeugdwet 7.1.1.2). The body is checked before the institution.',
      requestBody: jsonBody('ProfessionalInput', 'The professional.'),
      responses: {
        '201': ok('The professional was added; the id is what the case system sends as X-Professional-Id.', 'Created'),
        '400': invalid('a field is missing, unknown or wrong'),
        ...common,
        '404': noInstitution,
        ...bodyFailures,
      },
    }),
    get: admin({
      operationId: 'listProfessionals',
      summary: 'List the professionals of an institution',
      description: 'Ordered by name, with whether each is authorised and whether each is a coordinator (7.1.3.3).',
      responses: { '200': ok('The professionals.', 'Professional', true), ...common, '404': noInstitution },
    }),
  },
  '/api/v1/admin/institutions/{id}/professionals/{pid}/deauthorisation': {
    parameters: [param('InstitutionId'), param('ProfessionalPathId')],
    post: admin({
      operationId: 'deauthoriseProfessional',
      summary: 'Withdraw a professional\'s authorisation',
      description:
        'The professional may no longer signal (Jeugdwet 7.1.1.2): every client-system request for them is refused with 403 PROFESSIONAL_NOT_AUTHORISED. Refused while they still have active signals: hand those over to a colleague first (7.1.3.3). Takes no body.',
      responses: {
        '200': ok('The professional is no longer authorised.', 'ProfessionalAuthorisation'),
        '400': unreadable,
        ...common,
        '404': failure('There is no such institution, or no such professional in it.', ['NOT_FOUND']),
        '409': failure('The professional still has active signals.', ['ACTIVE_SIGNALS_PRESENT']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/admin/institutions/{id}/professionals/{pid}/authorisation': {
    parameters: [param('InstitutionId'), param('ProfessionalPathId')],
    post: admin({
      operationId: 'authoriseProfessional',
      summary: 'Authorise a professional again',
      description: 'Restores the professional\'s authorisation to signal (Jeugdwet 7.1.1.2). Takes no body.',
      responses: {
        '200': ok('The professional is authorised.', 'ProfessionalAuthorisation'),
        '400': unreadable,
        ...common,
        '404': failure('There is no such institution, or no such professional in it.', ['NOT_FOUND']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/admin/institutions/{id}/api-keys': {
    parameters: [param('InstitutionId')],
    post: admin({
      operationId: 'createApiKey',
      summary: 'Issue an API key to an institution\'s case system',
      description: 'The key is returned once; only its hash is kept. The body is optional and checked before the institution.',
      requestBody: jsonBody('ApiKeyInput', 'An optional label.', false),
      responses: {
        '201': ok('The new key.', 'ApiKeyCreated'),
        '400': invalid('it has fields other than label, or label is too long'),
        ...common,
        '404': noInstitution,
        ...bodyFailures,
      },
    }),
    get: admin({
      operationId: 'listApiKeys',
      summary: 'List an institution\'s API keys',
      description: 'Every key ever issued to the institution, oldest first, without secrets.',
      responses: { '200': ok('The keys.', 'ApiKey', true), ...common, '404': noInstitution },
    }),
  },
  '/api/v1/admin/institutions/{id}/api-keys/{keyId}/revocation': {
    parameters: [param('InstitutionId'), param('ApiKeyId')],
    post: admin({
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'Requests with the key get 401 from now on. Takes no body.',
      responses: {
        '200': ok('The key is revoked.', 'ApiKeyRevocation'),
        '400': unreadable,
        ...common,
        '404': failure('The institution has no active key with this id (unknown, of another institution, or already revoked).', ['NOT_FOUND']),
        ...bodyFailures,
      },
    }),
  },
};
