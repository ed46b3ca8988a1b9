import { z } from 'zod';
import { INSTITUTION_CATEGORY_CODES } from '../domain/categories.js';

/**
 * Control characters (C0, DEL, C1) and lone surrogates: no name holds them, a page cannot show
 * them, and XML cannot carry them to the national index. The portal's forms use it too.
 */
export const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/u;

/** A name or function: trimmed, 1 to 200 characters, no control characters. */
export const plainText = () =>
  z.string().trim().min(1, 'is required').max(200)
    .refine((v) => !CONTROL_CHARACTERS.test(v), 'must not contain control characters (such as a tab or line break)')
    // U+FFFD stands where a file or body held bytes that are not UTF-8.
    .refine((v) => !v.includes('\uFFFD'), 'holds characters that are not text: save the file (or send the body) as UTF-8');

/** Input shapes for the covenant area, shared by the admin API and the CLI's setup import. */
const contact = {
  name: plainText(),
  email: z.email('must be an e-mail address').max(200),
  phone: z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number such as 020-1234567'),
};

export const municipalityInput = z.strictObject({
  code: z.string().regex(/^\d{4}$/, 'must be the 4-digit CBS municipality code, e.g. 0363'),
  name: plainText(),
  checker: z.strictObject(contact),
});
export type MunicipalityInput = z.infer<typeof municipalityInput>;

export const institutionInput = z.strictObject({
  name: plainText(),
  category: z.enum(INSTITUTION_CATEGORY_CODES, { error: `must be one of: ${INSTITUTION_CATEGORY_CODES.join(', ')}` }),
  coordinator: z.strictObject(contact).optional(),
});
export type InstitutionInput = z.infer<typeof institutionInput>;

export const professionalInput = z.strictObject({
  ...contact,
  function: plainText(),
});
export type ProfessionalInput = z.infer<typeof professionalInput>;

export const covenantSetup = z
  .strictObject({
    municipalities: z.array(municipalityInput).default([]),
    institutions: z
      .array(institutionInput.extend({ professionals: z.array(professionalInput).default([]) }))
      .default([]),
  })
  // An empty file is a mistake, not a successful import of nothing.
  .refine((s) => s.municipalities.length + s.institutions.length > 0, 'must hold at least one municipality or institution');
export type CovenantSetup = z.infer<typeof covenantSetup>;
