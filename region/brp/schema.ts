import { z } from 'zod';

/**
 * The part of the BRP answers this index reads, and nothing more: written by us from the
 * official specifications in ../shared/reference/ (BRP API Personen 2.7.0, BRP Update API
 * 1.0.0), names and types as published. One definition serves three purposes: the HTTP
 * client checks every answer with it, the local registry checks every record of an imported
 * file with it, and `BRP_JSON_SCHEMAS` (generated from it) lets the tests check the fake
 * BRP against it. Objects are open (looseObject): the BRP may send more than we read.
 */

/** The fields we ask BRP API Personen for (its `fields` parameter): each one has a reason in docs/brp.md. */
export const PERSON_FIELDS = [
  'burgerservicenummer',
  'geboorte.datum',
  'ouders.burgerservicenummer',
  'verblijfplaats.adresseerbaarObjectIdentificatie',
  'verblijfplaats.functieAdres',
  'gemeenteVanInschrijving',
  'overlijden.datum',
] as const;

const bsn = z.string().regex(/^[0-9]{9}$/, 'must be 9 digits');

const year = z.number().int().min(1).max(9999);

/** AbstractDatum: a full date, a year and month, a year, or wholly unknown. */
export const brpDatum = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('Datum'), datum: z.iso.date('must be a date YYYY-MM-DD') }),
    z.looseObject({ type: z.literal('JaarMaandDatum'), jaar: year, maand: z.number().int().min(1).max(12) }),
    z.looseObject({ type: z.literal('JaarDatum'), jaar: year }),
    z.looseObject({ type: z.literal('DatumOnbekend'), onbekend: z.literal(true) }),
  ],
  { error: 'must be one of Datum, JaarMaandDatum, JaarDatum, DatumOnbekend' },
);
export type BrpDatum = z.infer<typeof brpDatum>;

/** Waardetabel: a code from a national table, with its description. */
const waardetabel = z.looseObject({ code: z.string().min(1, 'must not be empty'), omschrijving: z.string().optional() });

/** The kinds of verblijfplaats (AbstractVerblijfplaats's discriminator). */
export const VERBLIJFPLAATS_TYPES = ['Adres', 'VerblijfplaatsBuitenland', 'VerblijfplaatsOnbekend', 'Locatie'] as const;

export const brpVerblijfplaats = z.looseObject({
  type: z.enum(VERBLIJFPLAATS_TYPES, { error: `must be one of ${VERBLIJFPLAATS_TYPES.join(', ')}` }),
  adresseerbaarObjectIdentificatie: z.string().regex(/^[0-9]{16}$/, 'must be 16 digits').optional(),
  /** W: woonadres (where the person lives), B: briefadres (a postal address only). */
  functieAdres: waardetabel.extend({ code: z.enum(['W', 'B'], { error: 'must be W (woonadres) or B (briefadres)' }) }).optional(),
  /** Delivered by the BRP on its own: the municipality found that the person no longer lives there. */
  indicatieVastgesteldVerblijftNietOpAdres: z.boolean().optional(),
});

/** Persoon, limited to PERSON_FIELDS (and the verblijfplaats fields the BRP adds by itself). */
export const brpPersoon = z.looseObject({
  burgerservicenummer: bsn,
  geboorte: z.looseObject({ datum: brpDatum.optional() }).optional(),
  ouders: z.array(z.looseObject({ burgerservicenummer: bsn.optional() })).optional(),
  verblijfplaats: brpVerblijfplaats.optional(),
  gemeenteVanInschrijving: waardetabel.extend({ code: z.string().regex(/^[0-9]{4}$/, 'must be the 4-digit municipality code') }).optional(),
  overlijden: z.looseObject({ datum: brpDatum.optional() }).optional(),
});
export type BrpPersoon = z.infer<typeof brpPersoon>;

/** POST /personen's answer to RaadpleegMetBurgerservicenummer. */
export const raadpleegResponse = z.looseObject({
  type: z.literal('RaadpleegMetBurgerservicenummer'),
  personen: z.array(brpPersoon).optional(),
});

/** PUT /volgindicaties/{burgerservicenummer}'s answer (VolgindicatieRaadplegen). */
export const volgindicatieResponse = z.looseObject({
  burgerservicenummer: bsn.optional(),
  begindatum: z.iso.date().optional(),
  einddatum: z.iso.date().optional(),
});

/** GET /wijzigingen's answer (GewijzigdePersonenHalCollectie). */
export const wijzigingenResponse = z.looseObject({
  burgerservicenummers: z.array(bsn).optional(),
});

/** A problem+json answer (Foutbericht, BadRequestFoutbericht): what an error tells us. */
export const brpProblem = z.looseObject({
  title: z.string().optional(),
  status: z.number().int().optional(),
  detail: z.string().optional(),
  code: z.string().optional(),
  invalidParams: z.array(z.looseObject({ name: z.string().optional(), code: z.string().optional(), reason: z.string().optional() })).optional(),
});
export type BrpProblem = z.infer<typeof brpProblem>;

/** The same shapes as JSON Schema (draft 2020-12), for checking a BRP (or our fake of it) with ajv. */
export const BRP_JSON_SCHEMAS = {
  raadpleegResponse: z.toJSONSchema(raadpleegResponse),
  volgindicatieResponse: z.toJSONSchema(volgindicatieResponse),
  wijzigingenResponse: z.toJSONSchema(wijzigingenResponse),
  problem: z.toJSONSchema(brpProblem),
} as const;
