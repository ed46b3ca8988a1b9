import { bodyFailures, CLIENT_ANSWERS, clientOperation, failure, jsonBody, NO_PROFESSIONAL, ok, param, UNREADABLE } from './common.js';
import { ref } from './schema-helpers.js';
import type { PathItem } from './types.js';

/**
 * The client-system API (signal-routes.ts) for institutions' case systems: signals, matches and
 * notices. Every request carries the institution's API key and names the professional it acts for.
 */
const common = CLIENT_ANSWERS;
const noProfessional = failure('The X-Professional-Id header is missing.', [NO_PROFESSIONAL]);
const REMOVAL_DATE_CODES = ['INVALID_REMOVAL_DATE', 'REMOVAL_DATE_IN_PAST', 'REMOVAL_DATE_TOO_LATE'];
const notOwnSignal = failure('The professional has no signal with this id (another professional\'s signal is not found either).', ['NOT_FOUND']);
const notActive = failure('The signal is archived or removed, not active.', ['SIGNAL_NOT_ACTIVE']);

const client = clientOperation;

export const clientPaths: Record<string, PathItem> = {
  '/api/v1/signals': {
    post: client('Signals', {
      operationId: 'registerSignal',
      summary: 'Register a signal',
      description: [
        'Registers that the professional is involved with a youth under 23 (Jeugdwet 7.1.1.1) of whom they reasonably suspect one of the risks of 7.1.4.1.',
        'The signal holds only what 7.1.4.2 allows; the answer never contains the BSN. It is removed automatically on its removal date, at most two years later and never past the 23rd birthday (7.1.4.5).',
        'When another professional has an active signal on the same youth, a match arises and both are told (7.1.2.3, 7.1.4.3(2)); when another professional\'s archived signal exists, the professional gets a history notice once (7.1.4.6).',
        'The same professional signalling the same youth again gets their active signal back with 200 instead of a second one.',
      ].join(' '),
      parameters: [param('IdempotencyKey')],
      requestBody: jsonBody('SignalInput', 'The youth and the attestation of the legal ground.'),
      responses: {
        '200': ok('The professional already has an active signal on this youth: that signal (or the replayed first answer to the Idempotency-Key).', 'ActiveSignal'),
        '201': ok('The signal was registered (or the replayed first answer to the Idempotency-Key).', 'ActiveSignal'),
        '400': failure('The body or a header is not valid; the message says what to fix.', [
          'VALIDATION_ERROR', 'INVALID_BSN', 'INVALID_BIRTH_DATE', 'BIRTH_DATE_IN_FUTURE', 'LEGAL_GROUND_NOT_CONFIRMED',
          ...REMOVAL_DATE_CODES, 'INVALID_IDEMPOTENCY_KEY', NO_PROFESSIONAL, ...UNREADABLE,
        ]),
        ...common,
        '422': failure(
          'The youth is 23 or older (TOO_OLD, Jeugdwet 7.1.1.1), the municipality is not part of this covenant area, the Idempotency-Key was already used for a different request, or (with a population register) the BRP knows no such BSN (UNKNOWN_BSN) or records the youth as deceased (DECEASED).',
          ['TOO_OLD', 'UNKNOWN_MUNICIPALITY', 'IDEMPOTENCY_KEY_REUSED', 'UNKNOWN_BSN', 'DECEASED'],
        ),
        ...bodyFailures,
      },
    }),
    get: client('Signals', {
      operationId: 'listSignals',
      summary: 'List the professional\'s signals',
      description: 'Every signal of the professional, newest first: active, archived (7.1.4.6) and removed ones.',
      responses: { '200': ok('The signals.', 'Signal', true), '400': noProfessional, ...common },
    }),
  },
  '/api/v1/signals/{id}': {
    parameters: [param('SignalId')],
    get: client('Signals', {
      operationId: 'getSignal',
      summary: 'Read one of the professional\'s signals',
      description: 'A professional sees only their own signals.',
      responses: { '200': ok('The signal.', 'Signal'), '400': noProfessional, ...common, '404': notOwnSignal },
    }),
  },
  '/api/v1/signals/{id}/extension': {
    parameters: [param('SignalId')],
    post: client('Signals', {
      operationId: 'extendSignal',
      summary: 'Extend an active signal for a new term',
      description:
        'Moves the removal date later: at most two years from today and never past the youth\'s 23rd birthday (7.1.4.5). Without a removalDate, that maximum is used. The body is checked before the signal is looked up.',
      requestBody: jsonBody('ExtensionInput', 'The new removal date; the body may be left out.', false),
      responses: {
        '200': ok('The signal with its new removal date.', 'ActiveSignal'),
        '400': failure('The body is not valid, or the date is no valid extension (NOT_AN_EXTENSION: not later than the current removal date).', [
          'VALIDATION_ERROR', ...REMOVAL_DATE_CODES, 'NOT_AN_EXTENSION', NO_PROFESSIONAL, ...UNREADABLE,
        ]),
        ...common,
        '404': notOwnSignal,
        '409': notActive,
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/signals/{id}/removal': {
    parameters: [param('SignalId')],
    post: client('Signals', {
      operationId: 'removeSignal',
      summary: 'Remove an active signal',
      description:
        'The professional removes the signal when it was unjustified or the risk has gone (7.1.4.5), or after a data subject\'s objection or correction (7.1.5.2). Only risk-ended goes to the historical archive; the others are erased (7.1.4.6). Its match loses the professional and ends when fewer than two are left.',
      requestBody: jsonBody('RemovalInput', 'The reason.'),
      responses: {
        '200': ok('The signal after removal: archived or removed, depending on the reason.', { oneOf: [ref('ArchivedSignal'), ref('RemovedSignal')] }),
        '400': failure('The reason is missing or not one of the allowed values.', ['VALIDATION_ERROR', NO_PROFESSIONAL, ...UNREADABLE]),
        ...common,
        '404': notOwnSignal,
        '409': notActive,
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/matches': {
    get: client('Matches', {
      operationId: 'listMatches',
      summary: 'List the professional\'s matches',
      description:
        'The active matches the professional takes part in, and ended matches they were in when they ended while their signal is still active, newest first, each with the other professionals\' contact details (7.1.2.3, 7.1.4.3(2)). A match they left (their signal removed) is no longer theirs to see; an ended match does not show professionals whose signal was erased.',
      responses: { '200': ok('The matches.', 'Match', true), '400': noProfessional, ...common },
    }),
  },
  '/api/v1/matches/{id}': {
    parameters: [param('MatchId')],
    get: client('Matches', {
      operationId: 'getMatch',
      summary: 'Read a match',
      description: 'A match the professional takes part in, or an ended one they were in when it ended while their signal is still active, with the other professionals\' contact details (7.1.4.3(2)).',
      responses: {
        '200': ok('The match.', 'Match'),
        '400': noProfessional,
        ...common,
        '404': failure('There is no such match, or it is not the professional\'s to see (never in it, or left it).', ['NOT_FOUND']),
      },
    }),
  },
  '/api/v1/notices': {
    get: client('Notices', {
      operationId: 'listNotices',
      summary: 'Read the professional\'s notices',
      description:
        'Every notice to the professional, newest first, with the current contact details of the professionals it is about: matches (7.1.4.3(2)), professionals joining or leaving them, and archived signals on the youth of a new signal (7.1.4.6). Reading marks them all read.',
      responses: { '200': ok('The notices.', 'Notice', true), '400': noProfessional, ...common },
    }),
  },
};
