import { ref } from './schema-helpers.js';
import type { Operation, Parameter, Reference, RequestBody, Response, Schema, SecurityScheme } from './types.js';

/** What many operations share: parameters, the error answers and the three ways to authenticate. */
export const securitySchemes: Record<string, SecurityScheme> = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The covenant administrator\'s token: the configured adminToken or one made with the CLI. Only for /api/v1/admin/*.',
  },
  checkerToken: {
    type: 'http',
    scheme: 'bearer',
    description: "A municipality checker's token (virchk_...), issued by the administrator. Only for /api/v1/checker/*; it shows matches of that municipality only (7.1.3.2).",
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An institution\'s API key (vir_...), issued by the administrator to its case system. Every request also names the professional it acts for in X-Professional-Id.',
  },
};

export const ADMIN: Record<string, string[]>[] = [{ adminToken: [] }];
export const CLIENT: Record<string, string[]>[] = [{ apiKey: [] }];
export const CHECKER: Record<string, string[]>[] = [{ checkerToken: [] }];

const pathId = (name: string, description: string): Parameter => ({ name, in: 'path', required: true, description, schema: { type: 'string', minLength: 1 } });

export const parameters: Record<string, Parameter> = {
  ProfessionalId: {
    name: 'X-Professional-Id',
    in: 'header',
    required: true,
    description: 'The id of the professional the case system acts for. The professional must belong to the API key\'s institution and be authorised (Jeugdwet 7.1.1.2).',
    schema: { type: 'string', minLength: 1 },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retried registration safe: the first answer (status and body) given to this key is returned again when the same professional sends the same body with it. Keys are remembered per institution, so the same key with a different body, or from another professional of the institution, is refused with 422 IDEMPOTENCY_KEY_REUSED.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
  },
  MunicipalityCode: { ...pathId('code', 'The 4-digit CBS code of a municipality of the covenant area.'), schema: { type: 'string', pattern: '^\\d{4}$' } },
  InstitutionId: pathId('id', 'The institution id.'),
  ProfessionalPathId: pathId('pid', 'The professional id.'),
  ApiKeyId: pathId('keyId', 'The API key id.'),
  SignalId: pathId('id', 'The signal id.'),
  MatchId: pathId('id', 'The match id.'),
  EscalationId: pathId('id', 'The escalation id.'),
  AccountId: pathId('id', 'The portal account id.'),
  OverdueDays: {
    name: 'days',
    in: 'query',
    required: false,
    description: 'List matches not coordinated this many days after they arose; defaults to coordination.checkAfterDays (28). No other query parameter is accepted.',
    schema: { type: 'integer', minimum: 0, maximum: 3650 },
  },
};

export const param = (name: keyof typeof parameters & string): Reference => ({ $ref: `#/components/parameters/${name}` });
export const response = (name: string): Reference => ({ $ref: `#/components/responses/${name}` });

const JSON_TYPE = 'application/json';

/** A success answer with a JSON body. */
export function ok(description: string, shape: string | Schema, list = false): Response {
  const schema = typeof shape === 'string' ? ref(shape) : shape;
  return { description, content: { [JSON_TYPE]: { schema: list ? { type: 'array', items: schema } : schema } } };
}

/** A JSON request body of one of the component schemas. */
export function jsonBody(schemaName: string, description: string, required = true): RequestBody {
  return { description, required, content: { [JSON_TYPE]: { schema: ref(schemaName) } } };
}

/** An error answer: the shared Error shape, narrowed to the codes this operation can give with this status. */
export function failure(description: string, codes: readonly string[]): Response {
  return {
    description: `${description} Codes: ${codes.join(', ')}.`,
    content: {
      [JSON_TYPE]: {
        schema: {
          allOf: [ref('Error')],
          type: 'object',
          properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } },
        },
      },
    },
  };
}

/** Codes of a body the JSON parser refuses; it reads every request before routing. */
export const UNREADABLE = ['MALFORMED_JSON', 'BAD_REQUEST'] as const;
/** The code of a client-system request without X-Professional-Id. */
export const NO_PROFESSIONAL = 'PROFESSIONAL_ID_REQUIRED';

export const responses: Record<string, Response> = {
  AdminUnauthorized: failure('No admin token was sent, or it is not valid.', ['UNAUTHORIZED']),
  CheckerUnauthorized: failure('No checker token was sent, or it is not valid or has been revoked.', ['UNAUTHORIZED']),
  ClientUnauthorized: failure('No API key was sent, or it is not valid or has been revoked.', ['UNAUTHORIZED']),
  ClientForbidden: failure(
    'X-Professional-Id names no professional of the API key\'s institution (FORBIDDEN), or the professional\'s authorisation was withdrawn (PROFESSIONAL_NOT_AUTHORISED, Jeugdwet 7.1.1.2).',
    ['FORBIDDEN', 'PROFESSIONAL_NOT_AUTHORISED'],
  ),
  BodyTooLarge: failure('The request body is larger than the configured limit (http.bodyLimit, 32kb by default).', ['BODY_TOO_LARGE']),
  UnsupportedMediaType: failure('The body is not sent as JSON (Content-Type must be application/json), or its charset or Content-Encoding cannot be read.', ['UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST']),
  InternalError: failure('Something failed inside the index; details are in its log, never in the answer.', ['INTERNAL_ERROR']),
};

/** The answers every operation that reads a request body can give besides its own. */
export const bodyFailures = { '413': response('BodyTooLarge'), '415': response('UnsupportedMediaType') };

/** The answers every operation of each audience can give besides its own. */
export const ADMIN_ANSWERS = { '401': response('AdminUnauthorized'), '500': response('InternalError') };
export const CLIENT_ANSWERS = { '401': response('ClientUnauthorized'), '403': response('ClientForbidden'), '500': response('InternalError') };
export const CHECKER_ANSWERS = { '401': response('CheckerUnauthorized'), '500': response('InternalError') };

type OperationText = Omit<Operation, 'tags' | 'security'>;

export const adminOperation = (tag: string, op: OperationText): Operation => ({ ...op, tags: [tag], security: ADMIN });
export const checkerOperation = (op: OperationText): Operation => ({ ...op, tags: ['Checker'], security: CHECKER });
/** A client-system operation: API key plus the X-Professional-Id header. */
export const clientOperation = (tag: string, op: OperationText): Operation => ({
  ...op,
  tags: [tag],
  security: CLIENT,
  parameters: [param('ProfessionalId'), ...(op.parameters ?? [])],
});
