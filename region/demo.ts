import type { RegionServices } from './create-region.js';
import type { CovenantSetup } from './services/covenant-schemas.js';

/**
 * Demo data for a newcomer: a covenant area with two municipalities, three institutions and a
 * few professionals. Fictional people; e-mail addresses on example.org.
 */
export const DEMO_SETUP: CovenantSetup = {
  municipalities: [
    { code: '0344', name: 'Utrecht', checker: { name: 'Anouk de Wit', email: 'toezicht@utrecht.example.org', phone: '030-1234567' } },
    { code: '0356', name: 'Nieuwegein', checker: { name: 'Bram Visser', email: 'toezicht@nieuwegein.example.org', phone: '030-7654321' } },
  ],
  institutions: [
    {
      name: 'Buurtteam Jeugd en Gezin Utrecht',
      category: 'toegangsteam',
      coordinator: { name: 'Carla Jansen', email: 'coordinator@buurtteam.example.org', phone: '030-1112223' },
      professionals: [
        { name: 'Daan Bakker', function: 'Jeugdconsulent', email: 'd.bakker@buurtteam.example.org', phone: '06-12345001' },
        { name: 'Eva Smit', function: 'Gezinscoach', email: 'e.smit@buurtteam.example.org', phone: '06-12345002' },
      ],
    },
    {
      name: 'GGD regio Utrecht, Jeugdgezondheidszorg',
      category: 'jeugdgezondheidszorg',
      professionals: [{ name: 'Fatima El Amrani', function: 'Jeugdverpleegkundige', email: 'f.elamrani@ggd.example.org', phone: '06-12345003' }],
    },
    {
      name: 'Leerplicht en RMC Utrecht',
      category: 'leerplicht',
      professionals: [{ name: 'Gert de Vries', function: 'Leerplichtambtenaar', email: 'g.devries@leerplicht.example.org', phone: '06-12345004' }],
    },
  ],
};

export interface DemoAccess {
  adminToken: string | null;
  institutions: { id: string; name: string; apiKey: string; professionals: { id: string; name: string }[] }[];
  /** Portal accounts with a known development password; the first login enrols the authenticator app. */
  portal?: { password: string; accounts: { username: string; role: string }[] };
}

/** The development password of every demo portal account (demo mode only; never in production). */
export const DEMO_PORTAL_PASSWORD = 'demo-wachtwoord-vir';

/** Demo portal accounts, one per role, created once; their TOTP app is linked at the first login. */
function prepareDemoAccounts(s: RegionServices): NonNullable<DemoAccess['portal']> {
  const system = { kind: 'system' } as const;
  const { accounts } = s.portal;
  const institutions = s.covenant.listInstitutions() as { id: string; name: string }[];
  const pro = (name: string) => {
    for (const i of institutions) {
      const p = s.covenant.listProfessionals(i.id).find((x) => x.name === name);
      if (p) return { ...p, institutionId: i.id, institution: i.name };
    }
    return null;
  };
  const wanted: { username: string; role: string; create: () => Parameters<typeof accounts.create>[1] | null }[] = [
    { username: 'daan.bakker', role: 'professional', create: () => (pro('Daan Bakker') ? { role: 'professional', professionalId: pro('Daan Bakker')!.id, username: 'daan.bakker' } : null) },
    { username: 'fatima.elamrani', role: 'professional', create: () => (pro('Fatima El Amrani') ? { role: 'professional', professionalId: pro('Fatima El Amrani')!.id, username: 'fatima.elamrani' } : null) },
    {
      username: 'eva.smit', role: 'coordinator',
      create: () => {
        const eva = pro('Eva Smit');
        if (!eva) return null;
        if (!eva.coordinator) s.covenant.setCoordinator(system, eva.institutionId, eva.id, true);
        return { role: 'coordinator', professionalId: eva.id, username: 'eva.smit' };
      },
    },
    { username: 'toezicht.utrecht', role: 'checker', create: () => ({ role: 'checker', municipality: '0344', name: 'Anouk de Wit', username: 'toezicht.utrecht' }) },
    { username: 'beheer', role: 'admin', create: () => ({ role: 'admin', name: 'Functioneel beheer', username: 'beheer' }) },
  ];
  const made: { username: string; role: string }[] = [];
  for (const w of wanted) {
    if (!accounts.byUsername(w.username)) {
      const input = w.create();
      if (!input) continue;
      const { id } = accounts.create(system, input);
      accounts.setDemoPassword(id, DEMO_PORTAL_PASSWORD);
    }
    made.push({ username: w.username, role: w.role });
  }
  return { password: DEMO_PORTAL_PASSWORD, accounts: made };
}

/** Seeds the demo area once, and hands out fresh demo API keys (and an admin token) at every start. */
export function prepareDemo(s: RegionServices): DemoAccess {
  const system = { kind: 'system' } as const;
  const { db } = s.ctx;
  if (s.covenant.listMunicipalities().length === 0) s.covenant.importSetup(system, DEMO_SETUP);
  return db.transaction(() => {
    db.prepare("UPDATE api_keys SET revoked_at = ? WHERE label = 'demo' AND revoked_at IS NULL").run(s.ctx.now().toISOString());
    db.prepare("UPDATE admin_tokens SET revoked_at = ? WHERE label = 'demo' AND revoked_at IS NULL").run(s.ctx.now().toISOString());
    s.covenant.forgetAuthenticated();
    const institutions = (s.covenant.listInstitutions() as { id: string; name: string }[]).map((i) => ({
      id: i.id,
      name: i.name,
      apiKey: s.covenant.createApiKey(system, i.id, 'demo').key,
      professionals: s.covenant.listProfessionals(i.id).map((p) => ({ id: p.id, name: p.name })),
    }));
    const adminToken = s.ctx.config.adminToken ? null : s.covenant.createAdminToken(system, 'demo').token;
    return { adminToken, institutions, portal: prepareDemoAccounts(s) };
  })();
}

export function demoBanner(access: DemoAccess, baseUrl: string): string {
  const lines = [
    '',
    '=== Verwijsindex regio: DEMO (fictional data; never use demo mode for real signals) ===',
    `API: ${baseUrl}/api/v1   OpenAPI: ${baseUrl}/api/v1/openapi.json`,
    access.adminToken ? `Admin token (this run only): ${access.adminToken}` : 'Admin token: the one you configured (REGION_ADMIN_TOKEN)',
    '',
  ];
  for (const inst of access.institutions) {
    lines.push(`${inst.name}`, `  API key (this run only): ${inst.apiKey}`);
    for (const p of inst.professionals) lines.push(`  X-Professional-Id ${p.id}  (${p.name})`);
  }
  if (access.portal) {
    lines.push('', `Portal: ${baseUrl}/portal   password of every demo account: ${access.portal.password}  (the first login links an authenticator app)`);
    for (const acc of access.portal.accounts) lines.push(`  ${acc.username.padEnd(18)} ${acc.role}`);
  }
  const [a, b] = access.institutions;
  lines.push(
    '',
    'Municipalities: 0344 Utrecht, 0356 Nieuwegein. Paste these lines into another shell, then try the curl commands in README.md:',
    `export VIR=${baseUrl}/api/v1`,
    `export KEY_A=${a.apiKey} PRO_A=${a.professionals[0].id}`,
    `export KEY_B=${b.apiKey} PRO_B=${b.professionals[0].id}`,
    ...(access.adminToken ? [`export ADMIN=${access.adminToken}`] : []),
    '',
  );
  return lines.join('\n');
}
