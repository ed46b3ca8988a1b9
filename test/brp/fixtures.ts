/**
 * Persons in the BRP's own answer format (BRP API Personen 2.7.0 `Persoon`, with more than the
 * index asks for: names, sex), for the fake BRP and the local registry alike.
 */
type Persoon = Record<string, unknown>;

export const MOTHER = '123451000';
export const FATHER = '123451012';
export const CHILD = '999991000';
export const SIBLING = '999991012';
export const POSTAL_ONLY = '999991024';
export const ABROAD = '555551003';
export const DECEASED = '555551015';
export const WHEREABOUTS_UNKNOWN = '555551027';
export const LEFT_ADDRESS = '234561002';
export const UNKNOWN_TO_BRP = '345671004';

export const HOME = '0344010000123456';
export const OTHER_HOME = '0356010000654321';
export const POST_BOX_ADDRESS = '0344010000999999';

const datum = (iso: string, lang: string) => ({ type: 'Datum', datum: iso, langFormaat: lang });
const utrecht = { code: '0344', omschrijving: 'Utrecht' };

export function adres(id: string, functie: 'W' | 'B' = 'W', extra: Persoon = {}): Persoon {
  return {
    type: 'Adres',
    functieAdres: functie === 'W' ? { code: 'W', omschrijving: 'woonadres' } : { code: 'B', omschrijving: 'briefadres' },
    adresseerbaarObjectIdentificatie: id,
    nummeraanduidingIdentificatie: `${id.slice(0, 4)}20${id.slice(6)}`,
    datumVan: datum('2015-08-08', '8 augustus 2015'),
    verblijfadres: { officieleStraatnaam: 'Oudegracht', korteStraatnaam: 'Oudegracht', huisnummer: 12, postcode: '3511AB', woonplaats: 'Utrecht' },
    ...extra,
  };
}

const ouder = (bsn: string, aanduiding: '1' | '2', voornamen: string, geslacht: 'M' | 'V'): Persoon => ({
  burgerservicenummer: bsn,
  ouderAanduiding: aanduiding,
  geslacht: geslacht === 'V' ? { code: 'V', omschrijving: 'vrouw' } : { code: 'M', omschrijving: 'man' },
  naam: { voornamen, geslachtsnaam: 'Berg', voorvoegsel: 'van den' },
});

const kind = (bsn: string, voornamen: string, geboorte: Persoon, more: Persoon): Persoon => ({
  burgerservicenummer: bsn,
  geslacht: { code: 'V', omschrijving: 'vrouw' },
  naam: { voornamen, voorvoegsel: 'van den', geslachtsnaam: 'Berg' },
  geboorte: { datum: geboorte, land: { code: '6030', omschrijving: 'Nederland' } },
  ouders: [ouder(MOTHER, '1', 'Anna', 'V'), ouder(FATHER, '2', 'Bart', 'M')],
  gemeenteVanInschrijving: utrecht,
  ...more,
});

export function personen(): Persoon[] {
  return [
    kind(CHILD, 'Sanne', datum('2012-05-14', '14 mei 2012'), { verblijfplaats: adres(HOME) }),
    kind(SIBLING, 'Tim', datum('2014-09-01', '1 september 2014'), { verblijfplaats: adres(HOME) }),
    kind(POSTAL_ONLY, 'Iris', datum('2010-01-31', '31 januari 2010'), { verblijfplaats: adres(POST_BOX_ADDRESS, 'B') }),
    {
      burgerservicenummer: ABROAD,
      geboorte: { datum: { type: 'JaarMaandDatum', jaar: 2009, maand: 3, langFormaat: 'maart 2009' } },
      verblijfplaats: { type: 'VerblijfplaatsBuitenland', verblijfadres: { regel1: 'Rue de la Loi 1', land: { code: '5010', omschrijving: 'België' } } },
      gemeenteVanInschrijving: { code: '1999', omschrijving: 'Registratie Niet Ingezetenen (RNI)' },
    },
    {
      burgerservicenummer: DECEASED,
      geboorte: { datum: datum('2008-02-29', '29 februari 2008') },
      overlijden: { datum: datum('2025-11-02', '2 november 2025'), plaats: { code: '0356', omschrijving: 'Nieuwegein' } },
      verblijfplaats: adres(OTHER_HOME),
      gemeenteVanInschrijving: { code: '0356', omschrijving: 'Nieuwegein' },
    },
    {
      burgerservicenummer: WHEREABOUTS_UNKNOWN,
      geboorte: { datum: { type: 'JaarDatum', jaar: 2007, langFormaat: '2007' } },
      verblijfplaats: { type: 'VerblijfplaatsOnbekend', datumVan: datum('2024-04-01', '1 april 2024') },
      gemeenteVanInschrijving: utrecht,
    },
    {
      burgerservicenummer: LEFT_ADDRESS,
      geboorte: { datum: { type: 'DatumOnbekend', onbekend: true, langFormaat: 'onbekend' } },
      verblijfplaats: adres(HOME, 'W', { indicatieVastgesteldVerblijftNietOpAdres: true }),
      gemeenteVanInschrijving: utrecht,
    },
    { burgerservicenummer: MOTHER, geboorte: { datum: datum('1985-07-30', '30 juli 1985') }, verblijfplaats: adres(HOME), gemeenteVanInschrijving: utrecht },
  ];
}

/** The same persons as a local registry file. */
export function personenFile(): string {
  return JSON.stringify({ type: 'RaadpleegMetBurgerservicenummer', personen: personen() }, null, 2);
}
