import { expect } from 'chai';
import { personFromBrp, UNKNOWN_DEATH_DATE } from '../../region/brp/person.js';
import { brpPersoon } from '../../region/brp/schema.js';
import { adres, CHILD, HOME, MOTHER } from './fixtures.js';

const map = (persoon: object) => personFromBrp(brpPersoon.parse(persoon));

describe('what the index holds of a BRP person', () => {
  it('holds no name, no sex and no street address, only the fields the law needs', () => {
    const person = map({ burgerservicenummer: CHILD, naam: { geslachtsnaam: 'Berg' }, geslacht: { code: 'V' }, verblijfplaats: adres(HOME) });
    expect(Object.keys(person).sort()).to.deep.equal(['birthDate', 'bsn', 'deceasedOn', 'municipality', 'parentBsns', 'residentialAddressId']);
    expect(JSON.stringify(person)).not.to.match(/Berg|Oudegracht/);
  });

  it('takes an Adres as residential only when its functieAdres is W', () => {
    expect(map({ burgerservicenummer: CHILD, verblijfplaats: adres(HOME, 'W') }).residentialAddressId).to.equal(HOME);
    expect(map({ burgerservicenummer: CHILD, verblijfplaats: adres(HOME, 'B') }).residentialAddressId).to.equal(null);
    const { functieAdres: _, ...withoutFunction } = adres(HOME);
    expect(map({ burgerservicenummer: CHILD, verblijfplaats: withoutFunction }).residentialAddressId).to.equal(null);
    expect(map({ burgerservicenummer: CHILD, verblijfplaats: { type: 'Locatie', functieAdres: { code: 'W' }, verblijfadres: { locatiebeschrijving: 'Woonboot bij de brug' } } }).residentialAddressId).to.equal(null);
  });

  it('leaves out a parent without a BSN, and the person themself', () => {
    expect(map({ burgerservicenummer: CHILD, ouders: [{ burgerservicenummer: MOTHER }, { ouderAanduiding: '2' }, { burgerservicenummer: CHILD }] }).parentBsns).to.deep.equal([MOTHER]);
  });

  it('holds a date of death no earlier than birth, and a wholly unknown one as the birth date', () => {
    const born = { type: 'Datum', datum: '2010-06-15', langFormaat: '15 juni 2010' };
    expect(map({ burgerservicenummer: CHILD, geboorte: { datum: born }, overlijden: { datum: { type: 'JaarDatum', jaar: 2010 } } }).deceasedOn).to.equal('2010-06-15');
    expect(map({ burgerservicenummer: CHILD, geboorte: { datum: born }, overlijden: { datum: { type: 'JaarMaandDatum', jaar: 2019, maand: 11 } } }).deceasedOn).to.equal('2019-11-01');
    expect(map({ burgerservicenummer: CHILD, geboorte: { datum: born }, overlijden: { datum: { type: 'DatumOnbekend', onbekend: true } } }).deceasedOn).to.equal('2010-06-15');
    expect(map({ burgerservicenummer: CHILD, overlijden: { datum: { type: 'DatumOnbekend', onbekend: true } } }).deceasedOn).to.equal(UNKNOWN_DEATH_DATE);
  });
});
