import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { isValidBsn } from '../../region/domain/bsn.js';
import { addDays } from '../../region/domain/calendar.js';
import { isServiceNumber, normaliseFamilyName, serviceNumber, ServiceNumberInputError, type Sex } from '../../region/domain/service-number.js';

const youth = { familyName: 'van der Berg', birthDate: '2012-05-14', sex: 'V' as Sex };

function inputError(fn: () => unknown): ServiceNumberInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServiceNumberInputError) return err;
    throw err;
  }
  throw new Error('expected the input to be refused');
}

describe('the verwijsindexservicenummer (Besluit Jeugdwet 7.3.1)', () => {
  it('derives the same number for the same youth, every time and in every region (no key involved)', () => {
    expect(serviceNumber(youth)).to.equal(serviceNumber({ ...youth }));
    // Pinned: every region and the national index must derive this very number from this youth.
    expect(serviceNumber(youth)).to.equal('V6NTSEBK7');
  });

  it('gives the same number however two professionals type the family name', () => {
    const typed = ['van der Berg', 'Van Der Berg', 'VAN DER BERG', 'v.d. Berg', 'vd Berg', 'Berg, van der', '  van  der   Berg ', 'Berg', 'van den Berg'];
    for (const familyName of typed) expect(serviceNumber({ ...youth, familyName }), familyName).to.equal(serviceNumber(youth));
    expect(serviceNumber({ ...youth, familyName: 'Jansen-de Vries' })).to.equal(serviceNumber({ ...youth, familyName: 'jansen de vries' }));
    expect(serviceNumber({ ...youth, familyName: 'Çelik' })).to.equal(serviceNumber({ ...youth, familyName: 'Celik' }));
    expect(serviceNumber({ ...youth, familyName: "'t Hart" })).to.equal(serviceNumber({ ...youth, familyName: 'Hart' }));
    expect(serviceNumber({ ...youth, sex: 'v' as Sex })).to.equal(serviceNumber(youth));
  });

  it('normalises names: case, diacritics, special letters, separators and voorvoegsels, but keeps a name of voorvoegsels only', () => {
    expect(normaliseFamilyName('Nguyễn')).to.equal('nguyen');
    expect(normaliseFamilyName('Straße')).to.equal('strasse');
    expect(normaliseFamilyName('Øster-Ærø')).to.equal('osteraero');
    expect(normaliseFamilyName("O'Neill")).to.equal('oneill');
    expect(normaliseFamilyName('El Amrani')).to.equal('amrani');
    expect(normaliseFamilyName('De')).to.equal('de');
    expect(normaliseFamilyName('Le')).to.equal('le');
    expect(normaliseFamilyName('van der')).to.equal('vander');
  });

  it('gives different numbers when the name, the birth date or the sex differ', () => {
    const numbers = new Set([
      serviceNumber(youth),
      serviceNumber({ ...youth, familyName: 'Bergh' }),
      serviceNumber({ ...youth, familyName: 'Jansen' }),
      serviceNumber({ ...youth, birthDate: '2012-05-15' }),
      serviceNumber({ ...youth, birthDate: '2013-05-14' }),
      serviceNumber({ ...youth, sex: 'M' }),
      serviceNumber({ ...youth, sex: 'O' }),
    ]);
    expect(numbers.size).to.equal(7);
  });

  it('is always 9 characters starting with V, and never a valid BSN', () => {
    const names = ['Jansen', 'de Vries', 'Yılmaz', 'Bakker', 'El Idrissi', 'van Dijk', 'Öztürk', 'Smit'];
    const sexes: Sex[] = ['M', 'V', 'O'];
    for (let i = 0; i < 3000; i++) {
      const n = serviceNumber({ familyName: `${names[i % names.length]}${'x'.repeat(i % 5)}`, birthDate: addDays('2000-01-01', randomInt(9000)), sex: sexes[i % 3] });
      expect(n).to.have.length(9);
      expect(isServiceNumber(n), n).to.equal(true);
      expect(isValidBsn(n), n).to.equal(false);
    }
    expect(isServiceNumber('111222333')).to.equal(false);
  });

  it('refuses a name without letters, a birth date that is not a full date, and an unknown sex', () => {
    expect(inputError(() => serviceNumber({ ...youth, familyName: '--- 123' })).field).to.equal('familyName');
    expect(inputError(() => serviceNumber({ ...youth, birthDate: '2012-05' })).message).to.equal('birthDate: must be a full date YYYY-MM-DD');
    expect(inputError(() => serviceNumber({ ...youth, birthDate: '2012-02-30' })).field).to.equal('birthDate');
    expect(inputError(() => serviceNumber({ ...youth, sex: 'X' as Sex })).message).to.equal('sex: must be M, V or O');
  });
});
