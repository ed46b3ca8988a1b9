import { cbsCode, instant, object, oneOfValues, str, uuid } from './schema-helpers.js';
import type { Schema } from './types.js';

/** Portal accounts, managed through the admin API: one person in one role. */
const ROLES = ['professional', 'coordinator', 'checker', 'admin'] as const;
const username = (description: string): Schema => str(`${description} 3-200 letters, digits or . _ @ + -; trimmed.`, { pattern: '^[A-Za-z0-9._@+-]{3,200}$' });
const name = str('The name shown in the portal; trimmed.', { minLength: 1, maxLength: 200 });
const professionalId = str('The professional the account is for.', { minLength: 1 });
const nullableText = (description: string): Schema => ({ type: ['string', 'null'], description });

export const accountSchemas: Record<string, Schema> = {
  AccountInput: {
    description: 'A new portal account. The shape depends on `role`.',
    oneOf: [
      object('For a professional, who then works in the portal.', {
        role: { const: 'professional', description: 'A professional.' },
        professionalId,
        username: username('Defaults to the professional\'s e-mail address.'),
      }, ['username']),
      object("For a professional who is their institution's coordinator (7.1.3.3); make them coordinator first.", {
        role: { const: 'coordinator', description: 'A coordinator.' },
        professionalId,
        username: username('Defaults to coordinator.<e-mail address>.'),
      }, ['username']),
      object("For a municipality's checker (7.1.3.2).", {
        role: { const: 'checker', description: 'A checker.' },
        municipality: cbsCode('The CBS code of a municipality of the covenant area.'),
        name,
        username: username('The login name.'),
      }),
      object('For a covenant administrator.', {
        role: { const: 'admin', description: 'An administrator.' },
        name,
        username: username('The login name.'),
      }),
    ],
  },
  AccountSetup: object('The account and its one-time setup code: the person sets their password and second factor with it at setupUrl. Shown this once; only a hash is kept.', {
    id: uuid('The account id.'),
    username: str('The login name.'),
    role: oneOfValues('The role.', ROLES),
    setupCode: str('The one-time setup code.', { pattern: '^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$' }),
    setupExpiresAt: instant('When the setup code stops working (portal.setupCodeDays).'),
    setupUrl: str('Where to use the setup code.', { pattern: '^https?://' }),
  }),
  Account: object('A portal account, without secrets.', {
    id: uuid('The account id.'),
    username: str('The login name.'),
    role: oneOfValues('The role.', ROLES),
    professionalId: { type: ['string', 'null'], format: 'uuid', description: 'The professional, for the professional and coordinator roles; else null.' },
    municipality: { type: ['string', 'null'], pattern: '^\\d{4}$', description: 'The municipality, for the checker role; else null.' },
    name: nullableText('The name given, for the checker and admin roles; else null.'),
    state: oneOfValues('awaiting-setup: the setup code is not used yet; active; locked after failed logins; disabled.', ['awaiting-setup', 'active', 'locked', 'disabled']),
    lastLoginAt: { type: ['string', 'null'], format: 'date-time', description: 'The last login, or null.' },
  }),
};
