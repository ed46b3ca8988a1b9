import { ADMIN_ANSWERS, adminOperation, bodyFailures, failure, jsonBody, ok, param, UNREADABLE } from './common.js';
import type { PathItem } from './types.js';

/** The administrator's lifecycle API (admin-lifecycle-routes.ts): checkers' tokens, coordinators, hand-overs, reports, data-subject requests. */
const invalid = (what: string): ReturnType<typeof failure> =>
  failure(`The body is not valid JSON, or ${what}: the message names each field and what to fix.`, ['VALIDATION_ERROR', ...UNREADABLE]);
const invalidBsn = failure('The body is not valid, or the BSN fails the elfproef.', ['VALIDATION_ERROR', 'INVALID_BSN', ...UNREADABLE]);
const noProfessional = failure('There is no such institution, or no such professional in it.', ['NOT_FOUND']);

export const handoverFailures = {
  '404': failure('One of the two professionals is not of this institution (or does not exist).', ['NOT_FOUND']),
  '422': failure('Both name the same professional, or the colleague is not authorised to signal.', ['SAME_PROFESSIONAL', 'PROFESSIONAL_NOT_AUTHORISED']),
};
export const HANDOVER_DESCRIPTION =
  "Moves every active signal of one professional, their places in matches and any regievoerder role to an authorised colleague of the same institution, in one step (7.1.3.3). Both are told, and so are the other professionals in those matches; each moved place in a match must record contact anew.";

export const adminLifecyclePaths: Record<string, PathItem> = {
  '/api/v1/admin/municipalities/{code}/checker-tokens': {
    parameters: [param('MunicipalityCode')],
    post: adminOperation('Covenant area', {
      operationId: 'createCheckerToken',
      summary: "Issue a token to a municipality's checker",
      description: 'The checker the municipality appointed uses it for /api/v1/checker (Jeugdwet 7.1.3.2). The token is returned once. Takes no body.',
      responses: {
        '201': ok('The new token.', 'CheckerTokenCreated'),
        '400': failure('A body was sent that is not valid JSON, or holds a field (the operation takes no body: none, or {}).', ['VALIDATION_ERROR', ...UNREADABLE]),
        ...ADMIN_ANSWERS,
        '404': failure('The municipality is not part of the covenant area.', ['NOT_FOUND']),
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/admin/institutions/{id}/professionals/{pid}/coordinator': {
    parameters: [param('InstitutionId'), param('ProfessionalPathId')],
    post: adminOperation('Covenant area', {
      operationId: 'setCoordinator',
      summary: 'Appoint or withdraw a coordinator of an institution',
      description: "A coordinator manages the institution's professionals and may hand over their signals (Jeugdwet 7.1.3.3). The body is checked first.",
      requestBody: jsonBody('CoordinatorInput', 'Whether the professional is a coordinator.'),
      responses: {
        '200': ok('The professional\'s coordinator role.', 'ProfessionalCoordinator'),
        '400': invalid('coordinator is missing or not a boolean'),
        ...ADMIN_ANSWERS,
        '404': noProfessional,
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/admin/institutions/{id}/handovers': {
    parameters: [param('InstitutionId')],
    post: adminOperation('Hand-overs', {
      operationId: 'handOverSignalsAsAdmin',
      summary: "Hand over a professional's signals to a colleague",
      description: `${HANDOVER_DESCRIPTION} The administrator may do this for any institution.`,
      requestBody: jsonBody('HandoverInput', 'Who hands over to whom.'),
      responses: {
        '200': ok('What moved.', 'Handover'),
        '400': invalid('from or to is missing'),
        ...ADMIN_ANSWERS,
        ...handoverFailures,
        ...bodyFailures,
      },
    }),
  },
  '/api/v1/admin/reports/informing': {
    get: adminOperation('Reports', {
      operationId: 'informingReport',
      summary: 'Report on the duty to inform, per institution',
      description: 'For each institution, ordered by name: active signals, how many of them were informed, and how many are overdue (informatieplicht, Jeugdwet 7.1.5.1).',
      responses: { '200': ok('One row per institution.', 'InformingReport', true), ...ADMIN_ANSWERS },
    }),
  },
  '/api/v1/admin/inspection-reports': {
    post: adminOperation('Data-subject requests', {
      operationId: 'inspectionReport',
      summary: 'Produce the inspection report on one youth',
      description:
        'For an inspection request the municipality decides on (Jeugdwet 7.1.5.2): which institutions hold an active or archived signal on the youth, since when and until when, and who accessed those signals and their matches. POST, so that the BSN travels in the body and never in a URL. The request is audited.',
      requestBody: jsonBody('BsnInput', 'The youth.'),
      responses: { '200': ok('The report.', 'InspectionReport'), '400': invalidBsn, ...ADMIN_ANSWERS, ...bodyFailures },
    }),
  },
  '/api/v1/admin/data-subject-removals': {
    post: adminOperation('Data-subject requests', {
      operationId: 'removeForDataSubject',
      summary: 'Remove everything on one youth after an objection or correction, or their death',
      description:
        "Carries out the municipality's decision on an objection or correction request (Jeugdwet 7.1.5.2): every active signal on the youth is removed and every archived one destroyed, without archive (7.1.4.6); their matches lose those professionals. With reason death, the same after the youth's death (7.1.4.5), for a region without a link to the BRP (which otherwise reports deaths itself).",
      requestBody: jsonBody('DataSubjectRemovalInput', 'The youth and the reason.'),
      responses: {
        '200': ok('What was removed (zero and zero when the index held nothing on the youth).', 'DataSubjectRemoval'),
        '400': failure('The body is not valid (reason must be objection, correction or death), or the BSN fails the elfproef.', ['VALIDATION_ERROR', 'INVALID_BSN', ...UNREADABLE]),
        ...ADMIN_ANSWERS,
        ...bodyFailures,
      },
    }),
  },
};
