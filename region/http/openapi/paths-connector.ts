import { ADMIN_ANSWERS, adminOperation, bodyFailures, failure, ok, UNREADABLE } from './common.js';
import type { PathItem } from './types.js';

/** The administrator's view of the link with the national index (connector-routes.ts). */
const disabled = failure('The connector to the national index is not enabled (config national.enabled).', ['CONNECTOR_DISABLED']);
const unreadable = failure('A body was sent that is not valid JSON, or holds a field (the operation takes no body: none, or {}).', ['VALIDATION_ERROR', ...UNREADABLE]);

export const connectorPaths: Record<string, PathItem> = {
  '/api/v1/admin/connector': {
    get: adminOperation('National index', {
      operationId: 'connectorStatus',
      summary: 'The state of the link with the national index',
      description: 'Backlog, last exchanges, the match-feed cursor and dead letters. The national index matches across regions (Jeugdwet 7.1.2.3).',
      responses: { '200': ok('The state.', 'ConnectorStatus'), ...ADMIN_ANSWERS },
    }),
  },
  '/api/v1/admin/connector/dead-letters': {
    get: adminOperation('National index', {
      operationId: 'connectorDeadLetters',
      summary: 'Signal events the national index refused for good',
      description: 'Oldest first. They are not retried; each needs an operator.',
      responses: { '200': ok('The dead letters.', 'DeadLetter', true), ...ADMIN_ANSWERS },
    }),
  },
  '/api/v1/admin/connector/sync': {
    post: adminOperation('National index', {
      operationId: 'connectorSync',
      summary: 'Deliver and fetch now',
      description: 'Ends any back-off wait of the connector; delivery and fetching run in the background. Takes no body.',
      responses: { '202': ok('Started.', 'SyncStarted'), '400': unreadable, ...ADMIN_ANSWERS, '409': disabled, ...bodyFailures },
    }),
  },
  '/api/v1/admin/connector/reconcile': {
    post: adminOperation('National index', {
      operationId: 'connectorReconcile',
      summary: 'Compare all active signals with the national index and repair',
      description:
        'Sends the id and removal date of every active signal, in pages of national.reconcilePage.signals; the national index answers, page by page, what it misses and what it has too many, which are queued at once. ' +
        'Then the cross-region matches are read a page at a time and taken as the starting point of the match feed, unless the feed has moved past them meanwhile (staleSnapshot). ' +
        'A national index of protocol 1.0 gets the whole digest in one message. Takes no body. An unreachable national index answers 500.',
      responses: { '200': ok('What was repaired.', 'Reconciliation'), '400': unreadable, ...ADMIN_ANSWERS, '409': disabled, ...bodyFailures },
    }),
  },
};
