import { expect } from 'chai';
import * as soap from 'soap';
import { startTestNational, type TestNational } from '../helpers/national.js';

describe('interoperability with a third-party SOAP client', () => {
  let t: TestNational;
  beforeEach(async () => {
    t = await startTestNational();
  });
  afterEach(async () => t.close());

  async function client(): Promise<soap.Client> {
    const c = await soap.createClientAsync(`${t.url}?wsdl`);
    c.addHttpHeader('x-region-id', 'regio-a');
    return c;
  }

  function addressing(c: soap.Client, action: string): void {
    c.clearSoapHeaders();
    c.addSoapHeader(`<wsa:MessageID xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:uuid:${crypto.randomUUID()}</wsa:MessageID>`);
    c.addSoapHeader(`<wsa:Action xmlns:wsa="http://www.w3.org/2005/08/addressing">urn:nl:verwijsindex:sync:1:${action}</wsa:Action>`);
  }

  it('calls the status operation of the published WSDL with the soap package', async () => {
    const c = await client();
    addressing(c, 'Status');
    const [result] = await c.StatusAsync({ regio: 'regio-a' });
    expect(result.status).to.equal('ok');
    expect(result.protocolversie).to.equal('1.2');
  });

  it('delivers a batch with the soap package and gets an acknowledgement per event', async () => {
    const c = await client();
    addressing(c, 'LeverMeldingen');
    const event = (id: string, bsn: string) => ({
      gebeurtenisId: id, soort: 'geregistreerd', meldingId: `s-${id}`, tijdstip: '2026-03-02T09:00:00.000Z', bsn,
      drieentwintigOp: '2035-05-04', gemeente: '0344',
      meldingsbevoegde: { id: 'p1', naam: 'Anna Alfa', functie: 'Jeugdconsulent', email: 'a@example.org', telefoon: '06-12345678', instelling: 'Buurtteam' },
      registratietijdstip: '2026-03-02T09:00:00.000Z', verwijderdatum: '2028-03-02',
    });
    const [result] = await c.LeverMeldingenAsync({ regio: 'regio-a', gebeurtenis: [event('e1', '111222333'), event('e2', '123456789')] });
    const acks = Array.isArray(result.bevestiging) ? result.bevestiging : [result.bevestiging];
    expect(acks.map((a: { resultaat: string }) => a.resultaat)).to.deep.equal(['geaccepteerd', 'geweigerd']);
    expect(acks[1].code).to.equal('ONGELDIG_BSN');
  });
});
