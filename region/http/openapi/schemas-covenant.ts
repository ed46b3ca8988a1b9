import { INSTITUTION_CATEGORY_CODES } from '../../domain/categories.js';
import { cbsCode, count, flag, instant, list, object, oneOfValues, ref, secret, str, uuid } from './schema-helpers.js';
import type { Schema } from './types.js';

/** The covenant area and its people (7.1.3.1-7.1.3.3): the admin API's bodies and answers. */
const contactInput = {
  name: str('Full name; surrounding whitespace is trimmed.', { minLength: 1, maxLength: 200 }),
  email: str('E-mail address.', { format: 'email', maxLength: 200 }),
  phone: str('Phone number such as 020-1234567; surrounding whitespace is trimmed.', { pattern: '^\\+?[0-9 ()-]{6,20}$' }),
};
const category = (description: string): Schema => oneOfValues(description, INSTITUTION_CATEGORY_CODES);
const nullableText = (description: string, extra: Schema = {}): Schema => ({ type: ['string', 'null'], description, ...extra });

export const covenantSchemas: Record<string, Schema> = {
  ContactInput: object('Contact details of a person.', contactInput),
  MunicipalityInput: object('A municipality joining the covenant area, with the checker it appointed (7.1.3.1, 7.1.3.2).', {
    code: cbsCode('The 4-digit CBS municipality code, e.g. 0363.'),
    name: str('Name of the municipality; surrounding whitespace is trimmed.', { minLength: 1, maxLength: 200 }),
    checker: { ...ref('ContactInput'), description: 'The checker who follows up matches for the municipality (7.1.3.2).' },
  }),
  InstitutionInput: object(
    'An institution of a designated category (Jeugdwet 7.1.1.2, Besluit Jeugdwet 7.1.1-7.1.7).',
    {
      name: str('Name of the institution; surrounding whitespace is trimmed.', { minLength: 1, maxLength: 200 }),
      category: category('The designated category the institution belongs to.'),
      coordinator: { ...ref('ContactInput'), description: "The institution's coordinator, if it appointed one (7.1.3.3)." },
    },
    ['coordinator'],
  ),
  ProfessionalInput: object('A professional the institution authorises to signal (Jeugdwet 7.1.1.2).', {
    ...contactInput,
    function: str('Job title, e.g. Jeugdconsulent; surrounding whitespace is trimmed.', { minLength: 1, maxLength: 200 }),
  }),
  ApiKeyInput: object('Optional details of a new API key.', { label: str('A label to recognise the key by, such as the case system it is for; trimmed.', { maxLength: 100 }) }, ['label']),
  CoordinatorInput: object('Whether the professional acts as a coordinator of their institution (7.1.3.3).', {
    coordinator: flag('true to appoint, false to withdraw.'),
  }),
  HandoverInput: object('A hand-over of all active signals of a professional to a colleague of the same institution (7.1.3.3).', {
    from: str('The id of the professional who leaves or hands over.', { minLength: 1 }),
    to: str('The id of the colleague who takes over; they must be authorised.', { minLength: 1 }),
  }),

  Created: object('The id of the new record.', { id: uuid('The new id.') }),
  MunicipalityCreated: object('The municipality joined the covenant area.', { code: cbsCode('Its CBS code.') }),
  Municipality: object('A municipality of the covenant area and its checker (7.1.3.2). Field names are snake_case.', {
    code: cbsCode('The 4-digit CBS code.'),
    name: str('Name of the municipality.'),
    checker_name: str("The checker's name."),
    checker_email: str("The checker's e-mail address.", { format: 'email' }),
    checker_phone: str("The checker's phone number."),
  }),
  Institution: object('An institution of the covenant area and its coordinator, if any (7.1.3.3). Field names are snake_case.', {
    id: uuid('The institution id.'),
    name: str('Name of the institution.'),
    category: category('Its designated category (Besluit Jeugdwet 7.1.1-7.1.7).'),
    coordinator_name: nullableText("The coordinator's name, or null without a coordinator."),
    coordinator_email: nullableText("The coordinator's e-mail address, or null.", { format: 'email' }),
    coordinator_phone: nullableText("The coordinator's phone number, or null."),
  }),
  Professional: object('A professional of the institution.', {
    id: uuid('The professional id: the value case systems send as X-Professional-Id.'),
    name: str('Full name.'),
    function: str('Job title.'),
    email: str('E-mail address.', { format: 'email' }),
    phone: str('Phone number.'),
    authorised: flag('Whether the institution authorises the professional to signal (Jeugdwet 7.1.1.2).'),
    coordinator: flag('Whether the professional is a coordinator of the institution, who may hand over colleagues\' signals (7.1.3.3).'),
  }),
  ProfessionalAuthorisation: object("The professional's authorisation after the change.", {
    id: uuid('The professional id.'),
    authorised: flag('true after authorisation, false after deauthorisation.'),
  }),
  ProfessionalCoordinator: object("The professional's coordinator role after the change.", {
    id: uuid('The professional id.'),
    coordinator: flag('Whether the professional is now a coordinator.'),
  }),
  ApiKeyCreated: object('A new API key. The key is shown this once: only its SHA-256 hash is stored.', {
    id: uuid('The key id, used to revoke it.'),
    key: secret('vir', 'The secret for Authorization: Bearer.'),
  }),
  ApiKey: object('An API key of the institution, without its secret. Field names are snake_case.', {
    id: uuid('The key id.'),
    label: nullableText('The label given at creation, or null.'),
    created_at: instant('When the key was created.'),
    revoked_at: nullableText('When the key was revoked, or null while it is valid.', { format: 'date-time' }),
  }),
  ApiKeyRevocation: object('The key is revoked; requests with it now get 401.', {
    id: uuid('The key id.'),
    revoked: { const: true, description: 'Always true.' },
  }),
  CheckerTokenCreated: object("A new token for the municipality's checker (7.1.3.2). Shown this once: only its SHA-256 hash is stored.", {
    id: uuid('The token id.'),
    token: secret('virchk', 'The secret for Authorization: Bearer on /api/v1/checker.'),
  }),
  Handover: object('What moved to the colleague.', {
    from: uuid('The professional who handed over.'),
    to: uuid('The colleague who took over.'),
    signals: list('The ids of the active signals that moved.', uuid('A signal id.')),
    matches: list('The ids of the active matches the colleague now takes part in instead.', uuid('A match id.')),
  }),
  InformingReport: object('Per institution: how many active signals, of which informed, of which overdue (informatieplicht, 7.1.5.1).', {
    institution: object('The institution.', { id: uuid('The institution id.'), name: str('Its name.') }),
    active: count('Active signals.'),
    informed: count('Active signals whose informing was recorded.'),
    overdue: count('Active signals not informed within lifecycle.informingReminderDays of registration.'),
  }),
};
