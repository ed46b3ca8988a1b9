import { z } from 'zod';
import { AppError } from '../errors.js';
import { serviceNumber, ServiceNumberInputError } from '../domain/service-number.js';
import { CONTROL_CHARACTERS } from '../services/covenant-schemas.js';

/**
 * How a request names a youth: the BSN, or for a youth without one the facts the
 * verwijsindexservicenummer is derived from (Besluit Jeugdwet 7.3.1): family name and sex, with the
 * birth date the request carries. Used by registration and by the data-subject requests, so that a
 * youth registered without a BSN can be found again for inspection, correction and objection.
 */
export const youthFields = {
  bsn: z.string({ error: 'must be a string of 9 digits' }).optional(),
  withoutBsn: z
    .strictObject({
      familyName: z.string({ error: 'must be the family name as in the youth\'s papers' }).min(1).max(200)
        // U+FFFD stands where the body held bytes that are not UTF-8: the name's letters are lost, and with them the youth's number.
        .refine((v) => !v.includes('\uFFFD') && !CONTROL_CHARACTERS.test(v), 'holds characters that are not text: send the body as UTF-8, and the name as in the youth\'s papers'),
      sex: z.enum(['M', 'V', 'O'], { error: 'must be M, V or O (onbekend)' }),
    })
    .optional(),
};

/** The BSN, or the verwijsindexservicenummer derived from `withoutBsn` and `birthDate`. */
export function youthIdentifier(body: { bsn?: string; withoutBsn?: { familyName: string; sex: 'M' | 'V' | 'O' }; birthDate?: string }): string {
  if (body.bsn !== undefined && body.withoutBsn) throw new AppError('VALIDATION_ERROR', 'send either bsn or withoutBsn, not both', 400);
  if (body.bsn !== undefined) return body.bsn;
  if (!body.withoutBsn) throw new AppError('VALIDATION_ERROR', 'bsn: is required (or, for a youth without a BSN, withoutBsn: { familyName, sex } with birthDate)', 400);
  if (body.birthDate === undefined) throw new AppError('VALIDATION_ERROR', 'birthDate: is required with withoutBsn', 400);
  try {
    return serviceNumber({ familyName: body.withoutBsn.familyName, birthDate: body.birthDate, sex: body.withoutBsn.sex });
  } catch (err) {
    if (err instanceof ServiceNumberInputError) throw new AppError('VALIDATION_ERROR', `withoutBsn: ${err.message}`, 400);
    throw err;
  }
}
