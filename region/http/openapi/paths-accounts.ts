import { ADMIN_ANSWERS, adminOperation, bodyFailures, failure, jsonBody, ok, param, UNREADABLE } from './common.js';
import type { PathItem } from './types.js';

/** Portal accounts through the admin API (admin-account-routes.ts). */
export const accountPaths: Record<string, PathItem> = {
  '/api/v1/admin/accounts': {
    post: adminOperation('Portal accounts', {
      operationId: 'createAccount',
      summary: 'Create a portal account',
      description:
        'One person in one role: professional, coordinator (7.1.3.3), municipal checker (7.1.3.2) or covenant administrator. The answer carries a one-time setup code; with it the person sets a password and enrols the second factor, which every account must have.',
      requestBody: jsonBody('AccountInput', 'The role and whom the account is for.'),
      responses: {
        '201': ok('The account and its setup code.', 'AccountSetup'),
        '400': failure('The body is not valid: role is missing or unknown, or a field of that role is missing or wrong.', ['VALIDATION_ERROR', ...UNREADABLE]),
        ...ADMIN_ANSWERS,
        '404': failure('The professional or the municipality does not exist.', ['NOT_FOUND']),
        '409': failure('The professional already has an account in this role, or the username is taken.', ['ACCOUNT_EXISTS', 'USERNAME_TAKEN']),
        '422': failure('A coordinator account is asked for a professional who is not the coordinator of their institution.', ['NOT_A_COORDINATOR']),
        ...bodyFailures,
      },
    }),
    get: adminOperation('Portal accounts', {
      operationId: 'listAccounts',
      summary: 'List the portal accounts',
      description: 'Ordered by role and username, with each account\'s state; never a password, second factor or setup code.',
      responses: { '200': ok('The accounts.', 'Account', true), ...ADMIN_ANSWERS },
    }),
  },
  '/api/v1/admin/accounts/{id}/setup-code': {
    parameters: [param('AccountId')],
    post: adminOperation('Portal accounts', {
      operationId: 'resetAccountSetup',
      summary: 'Issue a new setup code',
      description: 'For a lost phone or password: the old password, second factor and sessions stop working at once. Takes no body.',
      responses: {
        '201': ok('The account and its new setup code.', 'AccountSetup'),
        '400': failure('A body was sent that is not valid JSON, or holds a field (the operation takes no body: none, or {}).', ['VALIDATION_ERROR', ...UNREADABLE]),
        ...ADMIN_ANSWERS,
        '404': failure('There is no account with this id.', ['NOT_FOUND']),
        ...bodyFailures,
      },
    }),
  },
};
