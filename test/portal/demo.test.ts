import { expect } from 'chai';
import { demoBanner, DEMO_PORTAL_PASSWORD, prepareDemo } from '../../region/demo.js';
import { startTestRegion, type TestRegion } from '../helpers/region.js';
import { PortalAgent } from './agent.js';
import { totpCode } from './helpers.js';

describe('demo accounts for the portal', () => {
  let t: TestRegion;
  beforeEach(async () => {
    t = await startTestRegion();
  });
  afterEach(async () => t.close());

  it('gives each role a demo account with the printed password, whose first login links the authenticator app', async () => {
    const access = prepareDemo(t.region);
    const banner = demoBanner(access, t.baseUrl);
    expect(banner).to.contain(`Portal: ${t.baseUrl}/portal`).and.contain(DEMO_PORTAL_PASSWORD);
    expect(banner).to.match(/^export KEY_A=vir_\S+ PRO_A=\S+$/m);
    expect(access.portal!.accounts.map((a) => a.role)).to.deep.equal(['professional', 'professional', 'coordinator', 'checker', 'admin']);
    expect(prepareDemo(t.region).portal!.accounts, 'a restart creates no second set').to.have.length(5);

    for (const { username } of access.portal!.accounts) {
      const agent = new PortalAgent(t.baseUrl);
      await agent.get('/portal/inloggen');
      const step = await agent.post('/portal/inloggen', { gebruikersnaam: username, wachtwoord: DEMO_PORTAL_PASSWORD });
      expect(step.location, username).to.equal('/portal/account/tweede-factor');
      const page = await agent.get('/portal/account/tweede-factor');
      const secret = /id="totp-sleutel">([^<]+)</.exec(page.text)![1].replace(/\s+/g, '');
      expect((await agent.post('/portal/account/tweede-factor', { code: await totpCode(secret, t.clock) })).location).to.equal('/portal/');
      expect((await agent.get('/portal/')).status, username).to.equal(200);
    }
  });
});
