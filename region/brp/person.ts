import { z } from 'zod';
import { isValidBsn } from '../domain/bsn.js';
import { isCalendarDate, type CalendarDate } from '../domain/calendar.js';
import type { BrpDatum, BrpPersoon } from './schema.js';

/**
 * What the index holds about a person from the population register (BRP): only what the law
 * needs (see docs/brp.md). No name and no sex: the index never needs them for a person with
 * a BSN (the verwijsindexservicenummer is derived from what a professional types in).
 */
export interface Person {
  bsn: string;
  /** For the age rules (23rd birthday). A partial BRP date becomes the first day of its known period; wholly unknown: null. */
  birthDate: CalendarDate | null;
  /** The parents' BSNs as the BRP has them (a parent without a BSN is left out): for family matches. */
  parentBsns: string[];
  /** The BAG id (adresseerbaarObjectIdentificatie, 16 digits) of the address the person lives at; see residentialAddressId(). */
  residentialAddressId: string | null;
  /** gemeenteVanInschrijving: the CBS code (4 digits) of the municipality the person is registered in, or was last. */
  municipality: string | null;
  /** Null while alive. The earliest date the BRP's date of death allows, never before birth; see deathDate(). */
  deceasedOn: CalendarDate | null;
}

/** A stand-in for a date of death the BRP does not know, for a person whose birth date is unknown too. */
export const UNKNOWN_DEATH_DATE = '1900-01-01';

/** Maps a BRP API Personen `Persoon` (already checked against brpPersoon) to the Person we hold. */
export function personFromBrp(persoon: BrpPersoon): Person {
  const birthDate = persoon.geboorte?.datum ? earliestDate(persoon.geboorte.datum) : null;
  return {
    bsn: persoon.burgerservicenummer,
    birthDate,
    parentBsns: [...new Set((persoon.ouders ?? []).map((o) => o.burgerservicenummer).filter((b): b is string => !!b && b !== persoon.burgerservicenummer))],
    residentialAddressId: residentialAddressId(persoon.verblijfplaats),
    municipality: persoon.gemeenteVanInschrijving?.code ?? null,
    deceasedOn: persoon.overlijden ? deathDate(persoon.overlijden.datum, birthDate) : null,
  };
}

/**
 * The address that counts for a family match ("living at the same residential address in the
 * BRP"): only a verblijfplaats of type Adres whose functieAdres is W (woonadres), with a BAG
 * adresseerbaarObjectIdentificatie, and for which the municipality has not established that
 * the person no longer lives there (indicatieVastgesteldVerblijftNietOpAdres). A briefadres
 * (B, a postal address: the person does not live there), an address abroad
 * (VerblijfplaatsBuitenland), an unknown whereabouts (VerblijfplaatsOnbekend) and a Locatie
 * (a description such as a houseboat, without a BAG id) give null.
 */
export function residentialAddressId(verblijfplaats: BrpPersoon['verblijfplaats']): string | null {
  if (!verblijfplaats || verblijfplaats.type !== 'Adres') return null;
  if (verblijfplaats.functieAdres?.code !== 'W') return null;
  if (verblijfplaats.indicatieVastgesteldVerblijftNietOpAdres === true) return null;
  const id = verblijfplaats.adresseerbaarObjectIdentificatie;
  return id && id !== '0000000000000000' ? id : null;
}

/** A BRP date as a calendar date: the first day of the period it names (a year: 1 January). Unknown: null. */
export function earliestDate(datum: BrpDatum): CalendarDate | null {
  switch (datum.type) {
    case 'Datum':
      return datum.datum;
    case 'JaarMaandDatum':
      return `${String(datum.jaar).padStart(4, '0')}-${String(datum.maand).padStart(2, '0')}-01`;
    case 'JaarDatum':
      return `${String(datum.jaar).padStart(4, '0')}-01-01`;
    case 'DatumOnbekend':
      return null;
  }
}

/**
 * The date of death we hold: the earliest the BRP's date allows, but not before birth (a death
 * in "2010" of a child born in June 2010 is held as the birth date). A date the BRP does not
 * know at all: the birth date, else UNKNOWN_DEATH_DATE. The person is dead either way; what
 * depends on it (removal "as soon as possible after death") acts at once.
 */
export function deathDate(datum: BrpDatum | undefined, birthDate: CalendarDate | null): CalendarDate {
  const earliest = datum ? earliestDate(datum) : null;
  if (earliest === null) return birthDate ?? UNKNOWN_DEATH_DATE;
  return birthDate !== null && birthDate > earliest ? birthDate : earliest;
}

const validBsn = z.string().refine(isValidBsn, 'must be a BSN: 9 digits that pass the elfproef');
const calendarDate = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD');

/** A Person as code hands it in (the local registry's changes): the same rules as a BRP record. */
export const personSchema = z.strictObject({
  bsn: validBsn,
  birthDate: calendarDate.nullable(),
  parentBsns: z.array(validBsn).max(2, 'a person has at most two parents in the BRP'),
  residentialAddressId: z.string().regex(/^(?!0{16})[0-9]{16}$/, 'must be a 16-digit BAG id').nullable(),
  municipality: z.string().regex(/^[0-9]{4}$/, 'must be the 4-digit municipality code').nullable(),
  deceasedOn: calendarDate.nullable(),
});
