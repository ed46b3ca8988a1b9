import { count, instant, list, object, oneOfValues, str, uuid } from './schema-helpers.js';
import type { Schema } from './types.js';

/** The link with the national index (connector): what an operator needs to see and do. */
const nullableInstant = (description: string): Schema => ({ type: ['string', 'null'], format: 'date-time', description });

export const connectorSchemas: Record<string, Schema> = {
  ConnectorStatus: object('The state of the link with the national index.', {
    enabled: { type: 'boolean', description: 'Whether the connector runs (config national.enabled).' },
    backlog: count('Signal events not yet delivered to the national index.'),
    oldestUndeliveredAgeSeconds: { type: ['integer', 'null'], minimum: 0, description: 'Age of the oldest undelivered event, or null without backlog.' },
    lastSuccessAt: nullableInstant('The last successful exchange with the national index, or null.'),
    lastReconcileAt: nullableInstant('The last reconciliation, or null.'),
    cursor: count('The last national match event applied.'),
    nationalHead: count('The newest national match event known.'),
    deadLetters: count('Events the national index refused for good.'),
  }),
  DeadLetter: object('A signal event the national index refused for good; it needs an operator.', {
    eventId: str('The event id.'),
    signalId: uuid('The signal.'),
    kind: oneOfValues('What the event reported.', ['registered', 'extended', 'removed']),
    createdAt: instant('When the event was made.'),
    deadAt: instant('When it was given up.'),
    code: str('The fault code the national index gave.'),
    message: { type: ['string', 'null'], description: 'Its message, or null.' },
  }),
  SyncStarted: object('Delivery and fetching were woken up; they run in the background.', { status: { const: 'sync started', description: 'Always "sync started".' } }),
  Reconciliation: object('The region and the national index compared all active signals and repaired the differences.', {
    missing: count('Active signals the national index did not have; sent again.'),
    surplus: count('Signals the national index had that are no longer active here; removed there.'),
    matches: count('Cross-region match events applied afresh.'),
    staleSnapshot: {
      type: 'boolean',
      description:
        'True when the national index\'s match snapshot was not taken: the match feed had moved past it while the reconcile was on its way (the feed had newer ones), ' +
        'or the region\'s matches kept changing while its pages were read. The feed goes on from its cursor.',
    },
    pages: count('Reconcilieer messages the digest of active signals took (national.reconcilePage.signals per message).'),
  }),
};
