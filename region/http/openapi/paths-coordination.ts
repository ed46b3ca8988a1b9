import { bodyFailures, CLIENT_ANSWERS, clientOperation, failure, jsonBody, NO_PROFESSIONAL, ok, param, response, UNREADABLE } from './common.js';
import { handoverFailures, HANDOVER_DESCRIPTION } from './paths-admin-lifecycle.js';
import type { PathItem } from './types.js';

/** Client-system routes for what follows a signal (coordination-routes.ts): informing (7.1.5.1), coordination after a match, hand-overs (7.1.3.3). */
const notInMatch = failure(
  'There is no such match, or the professional does not take part in it now. An ended match has no participants left, so it answers 404 as well.',
  ['NOT_FOUND'],
);
const noProfessional = failure('The X-Professional-Id header is missing.', [NO_PROFESSIONAL]);

export const coordinationPaths: Record<string, PathItem> = {
  '/api/v1/signals/{id}/informing': {
    parameters: [param('SignalId')],
    post: clientOperation('Informing', {
      operationId: 'recordInforming',
      summary: 'Record that the professional informed of the signal',
      description:
        'Informatieplicht (Jeugdwet 7.1.5.1): the professional informs the legal representative of a youth under 12, both the youth and the representative from 12 to 15, and the youth from 16, of the signal. Records whom, when and how; recording again replaces it. The body is checked before the signal is looked up.',
      requestBody: jsonBody('InformingInput', 'Whom, when and how.'),
      responses: {
        '200': ok('The recorded informing.', 'Informing'),
        '400': failure('The body is not valid, informedOn is no real date, or it lies in the future or before the youth was born.', ['VALIDATION_ERROR', 'INFORMED_IN_FUTURE', 'INFORMED_BEFORE_BIRTH', NO_PROFESSIONAL, ...UNREADABLE]),
        ...CLIENT_ANSWERS,
        '404': failure('The professional has no signal with this id.', ['NOT_FOUND']),
        '409': failure('The signal is archived or removed, not active.', ['SIGNAL_NOT_ACTIVE']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/informing/outstanding': {
    get: clientOperation('Informing', {
      operationId: 'outstandingInforming',
      summary: 'List signals whose informing is still to be recorded',
      description: "The professional's active signals without recorded informing (7.1.5.1), oldest first, each marked overdue after lifecycle.informingReminderDays.",
      responses: { '200': ok('The signals.', 'OutstandingInforming', true), '400': noProfessional, ...CLIENT_ANSWERS },
    }),
  },
  '/api/v1/matches/{id}/regievoerder': {
    parameters: [param('MatchId')],
    post: clientOperation('Matches', {
      operationId: 'setRegievoerder',
      summary: 'Name the regievoerder of a match',
      description: 'A participant names the professional in the match who coordinates care after it; the others are told. Replaces a regievoerder set earlier, also one set by the covenant\'s decision rule.',
      requestBody: jsonBody('RegievoerderInput', 'The professional who becomes regievoerder.'),
      responses: {
        '200': ok('The match, with its regievoerder.', 'ActiveMatch'),
        '400': failure('professionalId is missing, or the body is not valid.', ['VALIDATION_ERROR', NO_PROFESSIONAL, ...UNREADABLE]),
        ...CLIENT_ANSWERS,
        '404': notInMatch,
        '422': failure('The professional named does not take part in the match.', ['NOT_A_PARTICIPANT']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/matches/{id}/contact': {
    parameters: [param('MatchId')],
    post: clientOperation('Matches', {
      operationId: 'recordContact',
      summary: 'Record that the professional made contact with the others',
      description: 'The match counts as coordinated (afgestemd) once every participating professional recorded contact; the municipality\'s checker follows up matches that are not (7.1.3.2). Takes no body.',
      responses: {
        '200': ok('The match, with the contact recorded.', 'ActiveMatch'),
        '400': failure('The X-Professional-Id header is missing, or a body was sent that is not valid JSON or holds a field (the operation takes no body).', [NO_PROFESSIONAL, 'VALIDATION_ERROR', ...UNREADABLE]),
        ...CLIENT_ANSWERS,
        '404': notInMatch,
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/institution/handovers': {
    post: clientOperation('Hand-overs', {
      operationId: 'handOverSignals',
      summary: "Hand over a colleague's signals (coordinator)",
      description: `${HANDOVER_DESCRIPTION} Only a coordinator of the API key's institution may do this, for professionals of that institution.`,
      requestBody: jsonBody('HandoverInput', 'Who hands over to whom.'),
      responses: {
        '200': ok('What moved.', 'Handover'),
        '400': failure('from or to is missing, or the body is not valid.', ['VALIDATION_ERROR', NO_PROFESSIONAL, ...UNREADABLE]),
        '401': response('ClientUnauthorized'),
        '403': failure(
          'X-Professional-Id names no professional of the institution, or one not authorised, or one who is not its coordinator.',
          ['FORBIDDEN', 'PROFESSIONAL_NOT_AUTHORISED', 'NOT_A_COORDINATOR'],
        ),
        ...handoverFailures,
        '500': response('InternalError'),
        ...bodyFailures,
      },
    }),
  },
};
