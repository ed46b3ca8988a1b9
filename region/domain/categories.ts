/**
 * The designated categories of institutions whose professionals may signal
 * (Jeugdwet 7.1.1.2, Besluit Jeugdwet 7.1.1-7.1.7). Codes are stable identifiers; the
 * labels are what users read.
 */
export const INSTITUTION_CATEGORIES = {
  'veilig-thuis': 'Veilig Thuis',
  'gecertificeerde-instelling': 'Gecertificeerde instelling (jeugdbescherming, jeugdreclassering)',
  jeugdhulpaanbieder: 'Jeugdhulpaanbieder',
  'toegangsteam': 'Gemeentelijk toegangsteam / wijkteam',
  jeugdgezondheidszorg: 'Jeugdgezondheidszorg',
  ggz: 'Geestelijke gezondheidszorg',
  verslavingszorg: 'Verslavingszorg',
  gehandicaptenzorg: 'Gehandicaptenzorg',
  'spoedeisende-hulp': 'Spoedeisende hulp',
  huisarts: 'Huisarts',
  onderwijs: 'Onderwijsinstelling',
  leerplicht: 'Leerplicht / RMC',
  'wmo-aanbieder': 'Wmo-aanbieder',
  kredietbank: 'Gemeentelijke kredietbank',
  politie: 'Politie',
  halt: 'Halt',
  'raad-voor-de-kinderbescherming': 'Raad voor de Kinderbescherming',
} as const;

export type InstitutionCategory = keyof typeof INSTITUTION_CATEGORIES;
export const INSTITUTION_CATEGORY_CODES = Object.keys(INSTITUTION_CATEGORIES) as [InstitutionCategory, ...InstitutionCategory[]];
