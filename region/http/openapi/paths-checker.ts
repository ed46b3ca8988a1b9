import { bodyFailures, CHECKER_ANSWERS, checkerOperation, failure, jsonBody, ok, param, UNREADABLE } from './common.js';
import type { PathItem } from './types.js';

/**
 * The municipal checker's API (checker-routes.ts, Jeugdwet 7.1.3.2): the checker makes sure that
 * matched professionals actually contacted each other. It sees only matches with a youth living
 * in its municipality, and never a BSN.
 */
const noMatch = failure('There is no such match, or no youth of it lives in the checker\'s municipality.', ['NOT_FOUND']);

export const checkerPaths: Record<string, PathItem> = {
  '/api/v1/checker/matches/overdue': {
    get: checkerOperation({
      operationId: 'overdueMatches',
      summary: 'List matches not coordinated in time',
      description: "Active matches of the checker's municipality that arose at least `days` days ago and where not every professional recorded contact, oldest first (7.1.3.2).",
      parameters: [param('OverdueDays')],
      responses: {
        '200': ok('The overdue matches.', 'CheckerMatch', true),
        '400': failure('days is not a whole number from 0 to 3650, or another query parameter was sent.', ['VALIDATION_ERROR']),
        ...CHECKER_ANSWERS,
      },
    }),
  },
  '/api/v1/checker/matches/{id}': {
    parameters: [param('MatchId')],
    get: checkerOperation({
      operationId: 'checkerMatch',
      summary: 'Read a match of the municipality',
      description: 'Who takes part, whether they made contact, and the escalations so far.',
      responses: { '200': ok('The match.', 'CheckerMatch'), ...CHECKER_ANSWERS, '404': noMatch },
    }),
  },
  '/api/v1/checker/matches/{id}/escalations': {
    parameters: [param('MatchId')],
    post: checkerOperation({
      operationId: 'escalate',
      summary: 'Open an escalation on a match',
      description: 'Records that the checker follows up a match whose professionals did not make contact (7.1.3.2). The body is checked first.',
      requestBody: jsonBody('EscalationInput', 'An optional note; the body may be left out.', false),
      responses: {
        '201': ok('The new escalation.', 'Escalation'),
        '400': failure('The body is not valid JSON, has unknown fields, or the note is too long.', ['VALIDATION_ERROR', ...UNREADABLE]),
        ...CHECKER_ANSWERS,
        '404': noMatch,
        '409': failure('The match has ended: there is no contact left to follow up.', ['MATCH_ENDED']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/checker/escalations/{id}/outcome': {
    parameters: [param('EscalationId')],
    post: checkerOperation({
      operationId: 'resolveEscalation',
      summary: 'Record the outcome of an escalation',
      description: 'Closes an escalation of the checker\'s municipality with its outcome. The body is checked first.',
      requestBody: jsonBody('EscalationOutcomeInput', 'The outcome and an optional note.'),
      responses: {
        '200': ok('The escalation with its outcome.', 'Escalation'),
        '400': failure('The body is not valid: outcome is missing or unknown, or the note is too long.', ['VALIDATION_ERROR', ...UNREADABLE]),
        ...CHECKER_ANSWERS,
        '404': failure('The checker\'s municipality has no escalation with this id.', ['NOT_FOUND']),
        '409': failure('The escalation already has an outcome.', ['ESCALATION_RESOLVED']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/checker/notices': {
    get: checkerOperation({
      operationId: 'checkerNotices',
      summary: "Read the checker's notices",
      description:
        "The checker's notices, newest first: each match that concerns a youth of the municipality (7.1.3.2), without any professional or youth. Reading marks them all read; the administrator's GET /api/v1/admin/municipalities/{code}/notices reads the same notices.",
      responses: { '200': ok('The notices.', 'CheckerNotice', true), ...CHECKER_ANSWERS },
    }),
  },
};
